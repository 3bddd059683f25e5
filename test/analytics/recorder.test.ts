import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/analytics-recorder/handler";
import { TOUCHED_PARTITION } from "#lib/analytics/keys";
import { recordAnalytics } from "#lib/analytics/recorder";
import { queryPartition } from "#lib/db/query-partition";
import { lambdaContext } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";
import { closedDeal, counter, domainEvent, gauge, openDeal } from "./events.ts";

/**
 * The incremental counters against DynamoDB Local. Each test uses its own days (or pipelines,
 * or owners), so that the tests of this file never see each other's counts.
 */
beforeAll(async () => {
  await createTestTable("analytics-recorder");
});

const activity = (id: string, occurredAt: string, type = "call", ownerId = "ana") => ({
  id,
  data: { id, type, occurredAt, ownerId, links: [] },
});

describe("counting an event", () => {
  it("adds to the day counters of every dimension, once per event id", async () => {
    const event = domainEvent("activity.created", activity("act_1", "2026-01-05T10:00:00.000Z"));
    expect(await recordAnalytics(event)).toEqual({ outcome: "counted", increments: 2 });
    // Redelivered: after it was counted, and twice at the same moment.
    expect((await recordAnalytics(event)).outcome).toBe("duplicate");
    const again = await Promise.all([recordAnalytics(event), recordAnalytics(event)]);
    expect(again.map((r) => r.outcome)).toEqual(["duplicate", "duplicate"]);
    expect(await counter("activities.logged", "2026-01-05")).toEqual({ count: 1, "count.call": 1 });
    expect(
      await counter("activities.logged", "2026-01-05", { dimension: "owner", value: "ana" }),
    ).toEqual({ count: 1, "count.call": 1 });
  });

  it("counts one redelivery race once, for event counters too", async () => {
    const lead = {
      id: "lead_race",
      data: { source: "referral", createdAt: "2026-01-06T10:00:00.000Z" },
    };
    const event = domainEvent("lead.created", lead);
    const outcomes = await Promise.all([1, 2, 3].map(() => recordAnalytics(event)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["counted", "duplicate", "duplicate"]);
    expect(await counter("leads.created", "2026-01-06")).toEqual({ count: 1 });
    expect(
      await counter("leads.created", "2026-01-06", { dimension: "source", value: "referral" }),
    ).toEqual({ count: 1 });
  });

  it("counts many events of one day at once, retrying the contended counter", async () => {
    const events = Array.from({ length: 12 }, (_, i) =>
      domainEvent(
        "activity.created",
        activity(`act_burst_${i}`, "2026-01-07T10:00:00.000Z", i % 2 ? "email" : "meeting"),
      ),
    );
    const outcomes = await Promise.all(events.map((e) => recordAnalytics(e)));
    expect(outcomes.every((o) => o.outcome === "counted")).toBe(true);
    expect(await counter("activities.logged", "2026-01-07")).toEqual({
      count: 12,
      "count.email": 6,
      "count.meeting": 6,
    });
  });

  it("marks the days it touched for the rollup", async () => {
    await recordAnalytics(
      domainEvent("activity.created", activity("act_mark", "2026-01-08T10:00:00.000Z")),
    );
    const marks = await queryPartition(TOUCHED_PARTITION, { prefix: "2026-01-08#" });
    expect(marks.map((m) => m.sk)).toEqual(["2026-01-08#activities.logged"]);
  });

  it("ignores what it does not count, and refuses what is not a domain event", async () => {
    expect(await recordAnalytics(domainEvent("company.updated", { id: "co_1", data: {} }))).toEqual(
      { outcome: "ignored", increments: 0 },
    );
    await expect(handler({ detail: "nope" }, lambdaContext)).rejects.toMatchObject({
      name: "InvalidBusEvent",
    });
  });
});

describe("counting a record's state", () => {
  it("follows a deal from open to won to reopened, money per currency", async () => {
    const deal = openDeal({ pipelineId: "pip_follow", createdAt: "2026-01-12T09:00:00.000Z" });
    const won = closedDeal(deal, "won", "2026-01-14T09:00:00.000Z");
    const id = "deal_follow";
    await recordAnalytics(domainEvent("deal.created", { id, version: 1, data: deal }));
    expect(await gauge("pip_follow", "stg_qualify")).toEqual({ count: 1, "amount.EUR": 100_000 });

    await recordAnalytics(domainEvent("deal.won", { id, version: 2, data: won }));
    expect(
      await counter("deals.won", "2026-01-14", { dimension: "pipeline", value: "pip_follow" }),
    ).toEqual({
      count: 1,
      "amount.EUR": 100_000,
      cycleSeconds: 2 * 86_400,
    });
    expect(await gauge("pip_follow", "stg_qualify")).toEqual({ count: 0, "amount.EUR": 0 });

    // Reopened: no longer won on the 14th, open again in its stage.
    await recordAnalytics(domainEvent("deal.stage_changed", { id, version: 3, data: deal }));
    expect(
      await counter("deals.won", "2026-01-14", { dimension: "pipeline", value: "pip_follow" }),
    ).toEqual({ count: 0, "amount.EUR": 0, cycleSeconds: 0 });
    expect(await gauge("pip_follow", "stg_qualify")).toEqual({ count: 1, "amount.EUR": 100_000 });
    expect(
      await counter("deals.created", "2026-01-12", { dimension: "pipeline", value: "pip_follow" }),
    ).toEqual({ count: 1, "amount.EUR": 100_000 });
  });

  it("keeps the latest state when events arrive out of order, and drops the stale ones", async () => {
    const deal = openDeal({ pipelineId: "pip_order", createdAt: "2026-01-19T09:00:00.000Z" });
    const id = "deal_order";
    const created = domainEvent("deal.created", { id, version: 1, data: deal });
    const lost = domainEvent("deal.lost", {
      id,
      version: 2,
      data: closedDeal(deal, "lost", "2026-01-20T09:00:00.000Z"),
    });
    expect((await recordAnalytics(lost)).outcome).toBe("counted");
    expect((await recordAnalytics(created)).outcome).toBe("stale");
    expect((await recordAnalytics(lost)).outcome).toBe("duplicate");
    expect(await gauge("pip_order", "stg_qualify")).toEqual({});
    expect(
      await counter("deals.lost", "2026-01-20", { dimension: "pipeline", value: "pip_order" }),
    ).toMatchObject({ count: 1, "amount.EUR": 100_000 });
    expect(
      await counter("deals.created", "2026-01-19", { dimension: "pipeline", value: "pip_order" }),
    ).toEqual({ count: 1, "amount.EUR": 100_000 });
  });

  it("takes back a deleted record's counts, and moves an activity to its new day", async () => {
    const id = "act_moved";
    await recordAnalytics(
      domainEvent("activity.created", { ...activity(id, "2026-01-26T10:00:00.000Z"), version: 1 }),
    );
    await recordAnalytics(
      domainEvent("activity.updated", { ...activity(id, "2026-01-27T10:00:00.000Z"), version: 2 }),
    );
    expect(await counter("activities.logged", "2026-01-26")).toEqual({ count: 0, "count.call": 0 });
    expect(await counter("activities.logged", "2026-01-27")).toEqual({ count: 1, "count.call": 1 });
    // A deletion carries no record (data null) and the version the record was deleted at.
    await recordAnalytics(domainEvent("activity.deleted", { id, version: 2, data: null }));
    expect(await counter("activities.logged", "2026-01-27")).toEqual({ count: 0, "count.call": 0 });
    // The update, delivered again after the deletion, is stale: the activity stays uncounted.
    const late = await recordAnalytics(
      domainEvent("activity.updated", { ...activity(id, "2026-01-27T10:00:00.000Z"), version: 2 }),
    );
    expect(late.outcome).toBe("stale");
    expect(await counter("activities.logged", "2026-01-27")).toEqual({ count: 0, "count.call": 0 });
  });

  it("counts a multi-currency pipeline per currency, never adding them up", async () => {
    const base = { pipelineId: "pip_fx", createdAt: "2026-02-02T09:00:00.000Z" };
    await recordAnalytics(
      domainEvent("deal.created", { id: "deal_eur", data: openDeal({ ...base, amount: 500 }) }),
    );
    await recordAnalytics(
      domainEvent("deal.created", {
        id: "deal_usd",
        data: openDeal({ ...base, amount: 700, currency: "USD" }),
      }),
    );
    expect(await gauge("pip_fx", "stg_qualify")).toEqual({
      count: 2,
      "amount.EUR": 500,
      "amount.USD": 700,
    });
  });
});
