import { createHash } from "node:crypto";

const CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID_LENGTH = 26;

/**
 * The id of the activity an integration event becomes, derived from what names the interaction
 * (its source, detail-type and the integration's own id) so that every delivery of the same
 * interaction names the same activity, and creating it twice is a no-op.
 *
 * It is shaped like the ids `newId` makes (`act_` and 26 Crockford base32 characters, the first
 * 0-7 as in a ULID), from 128 bits of a SHA-256: collisions are as unlikely as between ULIDs.
 * Unlike a ULID it does not sort by creation time; timelines sort by `occurredAt`.
 */
export const interactionActivityId = (
  source: string,
  detailType: string,
  externalId: string,
): string => {
  // Length-prefixed parts, so that no two different triples hash the same input.
  const input = [source, detailType, externalId].map((part) => `${part.length}:${part}`).join("|");
  const digest = createHash("sha256").update(input, "utf8").digest();
  let value = BigInt(`0x${digest.subarray(0, 16).toString("hex")}`);
  let encoded = "";
  for (let i = 0; i < ULID_LENGTH; i++) {
    encoded = CROCKFORD_BASE32.charAt(Number(value & 31n)) + encoded;
    value >>= 5n;
  }
  return `act_${encoded}`;
};
