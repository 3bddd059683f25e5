import { decodeCursor, encodeCursor } from "#lib/db/cursor";
import { DomainError } from "#lib/errors/domain-error";

/**
 * Positions in the feed. An entry's position is `<receivedAt>#<eventId>`; a position between
 * entries is a bare `<time>` (it sorts before every entry stamped at that millisecond). Both
 * compare as strings in DynamoDB's byte order, which is time order.
 *
 * A cursor is an opaque, checked encoding of a position. It names a point in the one feed, not
 * a page of one query, so it stays valid whatever `types` filter comes with it.
 */
const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z(#.+)?$/;

export const timePosition = (epochMilliseconds: number): string =>
  new Date(epochMilliseconds).toISOString();

export const entryPosition = (receivedAt: number, eventId: string): string =>
  `${timePosition(receivedAt)}#${eventId}`;

/** DynamoDB orders string keys by their UTF-8 bytes; so do we, for event ids outside ASCII. */
export const comparePositions = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

export const laterOf = (a: string, b: string) => (comparePositions(a, b) >= 0 ? a : b);

const CURSOR_SCOPE = "event-feed";
/** The "partition" the shared cursor codec checks: a constant, since there is one feed. */
const CURSOR_MARK = { attribute: "feed", value: "events" };

export const encodeFeedCursor = (position: string): string => {
  const cursor = encodeCursor(
    { [CURSOR_MARK.attribute]: CURSOR_MARK.value, at: position },
    CURSOR_SCOPE,
  );
  if (cursor === null) throw new Error("A feed cursor always has a position");
  return cursor;
};

const invalidAfter = () =>
  new DomainError(
    "invalid",
    "request.invalid_cursor",
    "The cursor is malformed or was not issued by the event feed.",
    {},
    [{ path: "query.after", message: "Invalid cursor" }],
  );

export const decodeFeedCursor = (cursor: string): string => {
  let key: Record<string, string | number> | undefined;
  try {
    key = decodeCursor(cursor, CURSOR_SCOPE, CURSOR_MARK);
  } catch {
    throw invalidAfter();
  }
  const position = key?.at;
  if (typeof position !== "string" || !POSITION.test(position)) throw invalidAfter();
  return position;
};
