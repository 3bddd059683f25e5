import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeCursor } from "#lib/db/cursor";
import { DomainError } from "#lib/errors/domain-error";
import {
  comparePositions,
  decodeFeedCursor,
  encodeFeedCursor,
  entryPosition,
  timePosition,
} from "#lib/event-feed/position";

const at = Date.parse("2026-03-02T10:00:00.000Z");

describe("feed positions", () => {
  it("order entries by time, and a bare time before every entry of that millisecond", () => {
    const sorted = [
      entryPosition(at - 1, "zzz"),
      timePosition(at),
      entryPosition(at, "a"),
      entryPosition(at, "b"),
      entryPosition(at + 1, "a"),
    ];
    const shuffled = [sorted[3], sorted[0], sorted[4], sorted[2], sorted[1]] as string[];
    expect(shuffled.sort(comparePositions)).toEqual(sorted);
  });

  it("compare like DynamoDB, by UTF-8 bytes", () => {
    // JavaScript's UTF-16 order puts U+FF5E after U+1F600 (a surrogate pair); UTF-8 puts it before.
    expect(comparePositions("x#\uff5e", "x#\u{1f600}")).toBeLessThan(0);
  });
});

describe("feed cursors", () => {
  it("round-trip a position", () => {
    const position = entryPosition(at, "0b6f2f4e-3c1d");
    const cursor = encodeFeedCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeFeedCursor(cursor)).toBe(position);
    expect(decodeFeedCursor(encodeFeedCursor(timePosition(at)))).toBe(timePosition(at));
  });

  it("refuse a list cursor and a cursor with a forged position", () => {
    const listCursor = encodeCursor({ pk: "contact#con_1", sk: "contact" }, "table|x|") as string;
    expect(() => decodeFeedCursor(listCursor)).toThrow(DomainError);
    const forged = encodeCursor({ feed: "events", at: "not a time" }, "event-feed") as string;
    expect(() => decodeFeedCursor(forged)).toThrow(/not issued by the event feed/);
  });

  it("refuse any random string with a 400 on query.after", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (garbage) => {
        try {
          decodeFeedCursor(garbage);
          return false;
        } catch (error) {
          return (
            error instanceof DomainError &&
            error.kind === "invalid" &&
            error.fieldErrors[0]?.path === "query.after"
          );
        }
      }),
    );
  });
});
