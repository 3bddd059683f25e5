import { createHash } from "node:crypto";
import { DomainError } from "#lib/errors/domain-error";

/**
 * Opaque list cursors. A cursor carries the DynamoDB key to resume from and a fingerprint of the
 * query it belongs to (index and partition value). A cursor that is malformed, or that was issued
 * for another list, is refused with a 400 instead of silently returning another list's page.
 */
type Key = Record<string, string | number>;

const fingerprint = (scope: string) =>
  createHash("sha256").update(scope).digest("base64url").slice(0, 16);

export const encodeCursor = (lastKey: Key | undefined, scope: string): string | null =>
  lastKey
    ? Buffer.from(JSON.stringify({ k: lastKey, s: fingerprint(scope) })).toString("base64url")
    : null;

const invalidCursor = () =>
  new DomainError(
    "invalid",
    "request.invalid_cursor",
    "The cursor is malformed or belongs to another list.",
    {},
    [{ path: "query.cursor", message: "Invalid cursor" }],
  );

const isKey = (value: unknown): value is Key =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === "string" || typeof v === "number");

/**
 * @param partition the key attribute and value every key of this list must carry, checked so that
 * a hand-edited cursor cannot start the query in another partition.
 */
export const decodeCursor = (
  cursor: string | undefined,
  scope: string,
  partition: { attribute: string; value: string },
): Key | undefined => {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (typeof decoded !== "object" || decoded === null) throw invalidCursor();
  const { k, s } = decoded as { k?: unknown; s?: unknown };
  if (s !== fingerprint(scope) || !isKey(k) || k[partition.attribute] !== partition.value)
    throw invalidCursor();
  return k;
};
