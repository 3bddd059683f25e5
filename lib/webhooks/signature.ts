import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signing as the Standard Webhooks specification defines it (https://www.standardwebhooks.com),
 * so that receivers can verify with any of its libraries as well as by hand:
 *
 * - `webhook-id`: the event id, the same on every attempt (receivers deduplicate on it);
 * - `webhook-timestamp`: the attempt's time, in whole seconds since the epoch;
 * - `webhook-signature`: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">`, several
 *   space-separated while a rotated-out key is still honoured.
 *
 * The secret given to the admin is `whsec_<base64 key>`; the HMAC key is the decoded bytes.
 */
export const SECRET_PREFIX = "whsec_";
const KEY_BYTES = 32;

export const newSigningKey = (): Buffer => randomBytes(KEY_BYTES);

export const secretOf = (key: Buffer): string => `${SECRET_PREFIX}${key.toString("base64")}`;

export const keyOfSecret = (secret: string): Buffer =>
  Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    "base64",
  );

export const sign = (key: Buffer, id: string, timestamp: number, body: string): string =>
  `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;

export interface SignedHeaders {
  readonly "webhook-id": string;
  readonly "webhook-timestamp": string;
  readonly "webhook-signature": string;
}

/** The headers of one attempt, signed with every key currently in force (newest first). */
export const signedHeaders = (
  keys: readonly Buffer[],
  id: string,
  timestamp: number,
  body: string,
): SignedHeaders => ({
  "webhook-id": id,
  "webhook-timestamp": String(timestamp),
  "webhook-signature": keys.map((key) => sign(key, id, timestamp, body)).join(" "),
});

/** What receivers must enforce: a signed message older (or newer) than this is refused. */
export const TOLERANCE_SECONDS = 5 * 60;

export type Verification = "valid" | "bad_signature" | "stale" | "malformed";

/**
 * The receiver's side, as `docs/webhooks.md` describes it: constant-time comparison against each
 * offered signature, and the 5-minute replay window. Used by the tests' receiver.
 */
export const verify = (
  secret: string,
  headers: { readonly id?: string; readonly timestamp?: string; readonly signature?: string },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Verification => {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return "malformed";
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return "stale";
  const expected = Buffer.from(sign(keyOfSecret(secret), id, Number(timestamp), body));
  const matches = signature.split(" ").some((offered) => {
    const candidate = Buffer.from(offered);
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
  return matches ? "valid" : "bad_signature";
};
