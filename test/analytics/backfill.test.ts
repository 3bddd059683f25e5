import { beforeAll, describe, expect, it } from "vitest";
import { backfill } from "#lib/analytics/backfill";
import { addDays } from "#lib/analytics/buckets";
import { recordAnalytics } from "#lib/analytics/recorder";
import type { Principal } from "#lib/auth/principal";
import { createContact } from "#lib/contacts/service";
import type { DealView } from "#lib/deals/schema";
import { createDeal, moveDeal } from "#lib/deals/service";
import { recordFeedEvent } from "#lib/event-feed/recorder";
import type { Pipeline } from "#lib/pipelines/schema";
import { createPipeline } from "#lib/pipelines/service";
import { createTestTable } from "#test/support/dynamodb";
import { counter, domainEvent, gauge } from "./events.ts";

/**
 * The backfill against DynamoDB Local. Records and feed entries are written without the recorder
 * running, as if the metrics had been added after them; the backfill must count them from the
 * records (contacts, deals) and from the event feed (activities), and the next live event of a
 * backfilled record must move the counters from there, never count it twice.
 */
const admin: Principal = { userId: "admin-1", roles: ["admin"] };
const ana: Principal = { userId: "ana", roles: ["sales"] };
const today = new Date().toISOString().slice(0, 10);
const RANGE = { from: addDays(today, -3), to: today };

let pipeline: Pipeline;
let deal: DealView;

beforeAll(async () => {
  await createTestTable("analytics-backfill");
  pipeline = await createPipeline(
    {
      name: "Sales",
      stages: [
        { name: "Qualify", winProbability: 10, closed: false, won: false },
        { name: "Won", winProbability: 100, closed: true, won: true },
        { name: "Lost", winProbability: 0, closed: true, won: false },
      ],
    },
    admin,
  );
  const input = {
    name: "A",
    lineItems: [],
    expectedCloseDate: "2026-12-31",
    pipelineId: pipeline.id,
    customFields: {},
  };
  deal = await createDeal({ ...input, amount: 700 }, ana);
  await createDeal({ ...input, amount: 300 }, ana);
  await createContact(
    {
      emails: ["bf@example.com"],
      phones: [],
      tags: [],
      customFields: {},
      ownerId: "ana",
      lifecycleStage: "lead",
    },
    ana,
  );
  // Two activities in the feed: one updated since (its latest event counts), one deleted.
  const activity = (id: string, version: number, occurredAt: string | null, type = "call") =>
    domainEvent(
      occurredAt ? "activity.updated" : "activity.deleted",
      { id, version, data: occurredAt ? { type, occurredAt, ownerId: "ana" } : null },
      { occurredAt: new Date().toISOString() },
    );
  for (const event of [
    activity("act_kept", 1, `${RANGE.from}T10:00:00.000Z`),
    activity("act_kept", 2, `${addDays(RANGE.from, 1)}T10:00:00.000Z`, "email"),
    activity("act_gone", 1, `${RANGE.from}T11:00:00.000Z`),
    activity("act_gone", 1, null),
  ]) {
    await recordFeedEvent(event);
  }
});

describe("the backfill", () => {
  it("counts nothing in a dry run", async () => {
    const summary = await backfill({ ...RANGE, dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, statesWritten: 0 });
    expect(summary.countersWritten).toBeGreaterThan(0);
    expect(await counter("deals.created", today)).toEqual({});
  });

  it("rebuilds day counters, gauges and states from the records and the feed", async () => {
    const summary = await backfill(RANGE);
    expect(summary.sources).toEqual([
      { name: "contacts", from: "records", read: 1 },
      { name: "leads", from: "records", read: 0 },
      { name: "deals", from: "records", read: 2 },
      { name: "lead qualifications", from: "event feed", read: 0 },
      { name: "activities", from: "event feed", read: 4 },
      { name: "tickets", from: "event feed", read: 0 },
    ]);
    expect(summary.statesWritten).toBe(4);
    expect(await counter("deals.created", today)).toEqual({ count: 2, "amount.EUR": 1000 });
    expect(await counter("contacts.created", today, { dimension: "owner", value: "ana" })).toEqual({
      count: 1,
    });
    expect(await gauge(pipeline.id, deal.stageId)).toEqual({ count: 2, "amount.EUR": 1000 });
    expect(await counter("activities.logged", RANGE.from)).toEqual({});
    expect(await counter("activities.logged", addDays(RANGE.from, 1))).toEqual({
      count: 1,
      "count.email": 1,
    });
  });

  it("hands over to the recorder: the next event of a record moves the counters once", async () => {
    const won = pipeline.stages.find((s) => s.won)?.id ?? "";
    const moved = await moveDeal(deal.id, { stageId: won }, undefined, ana);
    await recordAnalytics(
      domainEvent("deal.won", { id: deal.id, version: moved.version, data: moved }),
    );
    expect(await counter("deals.created", today)).toEqual({ count: 2, "amount.EUR": 1000 });
    expect(await counter("deals.won", today)).toMatchObject({ count: 1, "amount.EUR": 700 });
    expect(await gauge(pipeline.id, deal.stageId)).toEqual({ count: 1, "amount.EUR": 300 });
  });

  it("writes nothing when run again over what it already counted", async () => {
    const again = await backfill({ ...RANGE, metrics: ["deals.created", "contacts.created"] });
    expect(again).toMatchObject({
      metrics: ["deals.created", "contacts.created"],
      countersWritten: 0,
      countersDeleted: 0,
    });
    expect(again.sources.map((s) => s.name)).toEqual(["contacts", "deals"]);
    expect(await counter("deals.won", today)).toMatchObject({ count: 1 });
  });
});
