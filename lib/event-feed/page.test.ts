import { describe, expect, it } from "vitest";
import { assemblePage, type FeedEntry, type QueryResult } from "#lib/event-feed/page";
import { entryPosition, timePosition } from "#lib/event-feed/position";

const t0 = Date.parse("2026-03-02T10:00:00.000Z");
const nowSeconds = Math.floor(t0 / 1000) + 60;

const entry = (offset: number, type = "contact.updated", ttl = nowSeconds + 1000): FeedEntry => ({
  position: entryPosition(t0 + offset, `e${offset}`),
  eventId: `e${offset}`,
  type,
  occurredAt: new Date(t0 + offset).toISOString(),
  detail: "{}",
  ttl,
});
const result = (entries: FeedEntry[], truncated = false): QueryResult => ({ entries, truncated });
const ids = (entries: readonly FeedEntry[]) => entries.map((e) => e.eventId);

const bound = timePosition(t0 + 1000);
const start = timePosition(t0 - 1000);

describe("assemblePage", () => {
  it("serves a short page and resumes at the settle bound, not at the last entry", () => {
    const page = assemblePage({
      results: [result([entry(1), entry(2)])],
      after: start,
      bound,
      limit: 10,
      nowSeconds,
    });
    expect(ids(page.entries)).toEqual(["e1", "e2"]);
    expect(page.next).toBe(bound);
  });

  it("resumes after the last served entry when more are left", () => {
    const page = assemblePage({
      results: [result([entry(1), entry(2), entry(3)], true)],
      after: start,
      bound,
      limit: 2,
      nowSeconds,
    });
    expect(ids(page.entries)).toEqual(["e1", "e2"]);
    expect(page.next).toBe(entry(2).position);
  });

  it("drops the entry at the client's position, which the inclusive key condition returns", () => {
    const page = assemblePage({
      results: [result([entry(1), entry(2)])],
      after: entry(1).position,
      bound,
      limit: 10,
      nowSeconds,
    });
    expect(ids(page.entries)).toEqual(["e2"]);
  });

  it("merges the queries of several types in feed order", () => {
    const page = assemblePage({
      results: [
        result([entry(1, "contact.created"), entry(4, "contact.created")]),
        result([entry(2, "company.updated"), entry(3, "company.updated")]),
      ],
      after: start,
      bound,
      limit: 3,
      nowSeconds,
    });
    expect(ids(page.entries)).toEqual(["e1", "e2", "e3"]);
    expect(page.next).toBe(entry(3).position);
  });

  it("never serves past a truncated query's last entry, where another type may hide more", () => {
    // The first type stopped early at e2 (it may have e3, e4 … unread); the second type's e5
    // must wait for the next page, or the client would skip the first type's unread entries.
    const page = assemblePage({
      results: [result([entry(1), entry(2)], true), result([entry(5, "company.updated")])],
      after: start,
      bound,
      limit: 10,
      nowSeconds,
    });
    expect(ids(page.entries)).toEqual(["e1", "e2"]);
    expect(page.next).toBe(entry(2).position);
  });

  it("skips expired entries but moves past them", () => {
    const page = assemblePage({
      results: [result([entry(1, "contact.updated", nowSeconds - 1), entry(2)])],
      after: start,
      bound,
      limit: 10,
      nowSeconds,
    });
    expect(ids(page.entries)).toEqual(["e2"]);
    expect(page.next).toBe(bound);
  });

  it("never moves the cursor backwards when this reader's clock is behind the client's", () => {
    const ahead = timePosition(t0 + 5000);
    const page = assemblePage({ results: [], after: ahead, bound, limit: 10, nowSeconds });
    expect(page.entries).toEqual([]);
    expect(page.next).toBe(ahead);
  });
});
