import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BusEvent } from "#events/envelope";
import { handler as recorderHandler } from "#functions/event-feed-recorder/handler";
import { documentClient, tableName } from "#lib/db/client";
import { feedGuardKey } from "#lib/event-feed/keys";
import { entryPosition } from "#lib/event-feed/position";
import { recordFeedEvent } from "#lib/event-feed/recorder";
import { readFeed } from "#lib/event-feed/service";
import { busEvent, type FixtureName } from "#test/fixtures/bus-events/index";
import { lambdaContext } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";

const SECOND = 1000;
/** A minute ago: the recorder's handler runs on the real clock, and must see the same retention. */
const T = Date.now() - 60 * SECOND;
const DAY = 24 * 60 * 60 * SECOND;

const event = (n: number, fixture: FixtureName = "contact.updated"): BusEvent =>
  busEvent(fixture, {
    eventId: `evt-${String(n).padStart(3, "0")}`,
    // Changes happened in the reverse order of their arrival: the feed follows arrival.
    occurredAt: new Date(T - n * SECOND).toISOString(),
  });

/** Records `e` as if it reached the feed at `at` (and its write took no time). */
const recordAt = (e: BusEvent, at: number) => recordFeedEvent(e, { now: () => at });

const idsOf = (page: { data: readonly { eventId: string }[] }) => page.data.map((e) => e.eventId);

const feedItems = async () =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "feed" },
      }),
    )
  ).Items ?? [];

beforeEach(async () => {
  // A table per test: the feed is one partition, and each test reads it from the start.
  await createTestTable("feed");
});

afterEach(() => {
  delete process.env.FEED_RETENTION_DAYS;
});

describe("recording the feed", () => {
  it("keeps one entry per event id, however often and concurrently it is delivered", async () => {
    const e = event(1);
    expect(await recordAt(e, T)).toBe("recorded");
    const again = await Promise.all([
      recordAt(e, T + 100),
      recordAt(e, T + 200),
      recorderHandler(e, lambdaContext),
    ]);
    expect(again.slice(0, 2)).toEqual(["duplicate", "duplicate"]);
    expect(await feedItems()).toHaveLength(1);
    const page = await readFeed({}, T + 10 * SECOND);
    expect(idsOf(page)).toEqual(["evt-001"]);
    expect(page.data[0]).toEqual({
      eventId: "evt-001",
      type: "contact.updated",
      occurredAt: e.detail.occurredAt,
      detail: e.detail,
    });
  });

  it("appends a write that landed later than readers trust again, at a fresh position", async () => {
    // The clock: the write starts at T, DynamoDB answers 3 s later (over the 2 s budget); the
    // second append starts then and is quick.
    const clock = [T, T + 3000, T + 3000, T + 3010];
    const now = () => clock.shift() ?? T + 3010;
    expect(await recordFeedEvent(event(1), { now })).toBe("recorded");

    const items = await feedItems();
    expect(items.map((item) => item.sk)).toEqual([entryPosition(T + 3000, "evt-001")]);
    const { Items: guards = [] } = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": feedGuardKey("evt-001").pk },
      }),
    );
    expect(guards[0]?.position).toBe(entryPosition(T + 3000, "evt-001"));
    // A reader that passed the first position before the slow write landed still gets it.
    const passed = (await readFeed({}, T + 4000)).nextCursor;
    expect(idsOf(await readFeed({ after: passed }, T + 9000))).toEqual(["evt-001"]);
    // And the event stays one entry for later deliveries.
    expect(await recordAt(event(1), T + 9000)).toBe("duplicate");
  });

  it("refuses a delivery that is not a CRM domain event", async () => {
    await expect(
      recorderHandler({ source: "aws.s3", detail: {} }, lambdaContext),
    ).rejects.toMatchObject({ name: "InvalidBusEvent" });
  });
});

describe("reading the feed", () => {
  it("serves events in the order they reached the feed, page by page, with a cursor every time", async () => {
    for (const n of [1, 2, 3]) await recordAt(event(n), T + n * 10);
    const now = T + 10 * SECOND;

    const first = await readFeed({ limit: 2 }, now);
    expect(idsOf(first)).toEqual(["evt-001", "evt-002"]);
    const second = await readFeed({ limit: 2, after: first.nextCursor }, now);
    expect(idsOf(second)).toEqual(["evt-003"]);
    // Up to date: an empty page, and still a cursor to come back with.
    const third = await readFeed({ limit: 2, after: second.nextCursor }, now);
    expect(third.data).toEqual([]);
    expect(third.nextCursor).toEqual(expect.any(String));

    await recordAt(event(4), now + 1);
    expect(idsOf(await readFeed({ after: third.nextCursor }, now + 10 * SECOND))).toEqual([
      "evt-004",
    ]);
  });

  it("holds back events younger than the settle window, so a late write never lands behind the cursor", async () => {
    await recordAt(event(1), T);
    // 1 s later the event is too young to serve; the cursor stays before it.
    const early = await readFeed({}, T + 1 * SECOND);
    expect(early.data).toEqual([]);
    // A write stamped at T + 2 s lands only now, after that reader came by.
    await recordAt(event(2), T + 2 * SECOND);
    const later = await readFeed({ after: early.nextCursor }, T + 8 * SECOND);
    expect(idsOf(later)).toEqual(["evt-001", "evt-002"]);
  });

  it("lets an integration catch up from its last cursor after an outage and a restart", async () => {
    for (const n of [1, 2]) await recordAt(event(n), T + n);
    const seen = await readFeed({}, T + 10 * SECOND);
    expect(idsOf(seen)).toEqual(["evt-001", "evt-002"]);

    // The integration goes away; events keep coming over the next days.
    for (const n of [3, 4, 5]) await recordAt(event(n), T + n * DAY);

    // The CRM's functions restarted meanwhile: nothing survives but the table and the cursor.
    vi.resetModules();
    const fresh = await import("#lib/event-feed/service");
    const caughtUp = await fresh.readFeed({ after: seen.nextCursor }, T + 6 * DAY);
    expect(idsOf(caughtUp)).toEqual(["evt-003", "evt-004", "evt-005"]);
  });

  it("never serves expired entries, though DynamoDB Local keeps them", async () => {
    // Written under a 7-day retention, 8 days ago: its ttl has passed.
    await recordFeedEvent(event(1), { now: () => T - 8 * DAY, retentionDays: 7 });
    await recordAt(event(2), T - 1 * DAY);
    expect((await feedItems()).length).toBe(2);
    expect(idsOf(await readFeed({}, T))).toEqual(["evt-002"]);
    // Even when the readers now keep 30 days, the entry's own expiry holds.
    process.env.FEED_RETENTION_DAYS = "30";
    expect(idsOf(await readFeed({}, T))).toEqual(["evt-002"]);
  });

  it("filters by type with one query per type, in feed order, and the cursor works without the filter", async () => {
    await recordAt(event(1, "contact.created"), T + 1);
    await recordAt(event(2, "company.updated"), T + 2);
    await recordAt(event(3, "contact.updated"), T + 3);
    await recordAt(event(4, "company.updated"), T + 4);
    await recordAt(event(5, "contact.deleted"), T + 5);
    const now = T + 10 * SECOND;

    const types = ["company.updated", "contact.created"];
    const first = await readFeed({ types, limit: 2 }, now);
    expect(first.data.map((e) => [e.eventId, e.type])).toEqual([
      ["evt-001", "contact.created"],
      ["evt-002", "company.updated"],
    ]);
    const second = await readFeed({ types, limit: 2, after: first.nextCursor }, now);
    expect(idsOf(second)).toEqual(["evt-004"]);

    // The cursor is a position in the one feed: dropping the filter resumes at the same point.
    expect(idsOf(await readFeed({ after: first.nextCursor }, now))).toEqual([
      "evt-003",
      "evt-004",
      "evt-005",
    ]);
  });
});
