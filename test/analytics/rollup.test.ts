import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/analytics-rollup/handler";
import { readDirectory } from "#lib/analytics/directory";
import {
  bucketSortKey,
  derivedPartition,
  measuresOf,
  ratiosOf,
  snapshotPartition,
  TOUCHED_PARTITION,
} from "#lib/analytics/keys";
import { recordAnalytics } from "#lib/analytics/recorder";
import { MARK_SETTLE_MS, runRollup } from "#lib/analytics/rollup";
import { getItem } from "#lib/analytics/store";
import { queryPartition } from "#lib/db/query-partition";
import { createTestTable } from "#test/support/dynamodb";
import { closedDeal, counter, domainEvent, openDeal } from "./events.ts";

/**
 * The scheduled rollup against DynamoDB Local, on a hand-made February 2025:
 *
 * | day (week)       | what happened                                                    |
 * |------------------|------------------------------------------------------------------|
 * | Mon 03 (W06)     | call by ana; deal A created (1 000 EUR)                          |
 * | Tue 04 (W06)     | deal B created (500 EUR); deal C created (300 USD, stays open)   |
 * | Wed 05 (W06)     | email by bo; deal A won                                          |
 * | Thu 06 (W06)     | deal B lost                                                      |
 * | Mon 10 (W07)     | meeting by ana; the rollup runs                                  |
 */
const RUN = { scheduledTime: "2025-02-10T12:00:00.000Z" };
const activity = (id: string, type: string, occurredAt: string, ownerId: string) =>
  domainEvent("activity.created", { id, data: { type, occurredAt, ownerId } });

const derived = async (family: string, granularity: "day" | "week" | "month", bucket: string) => {
  const item = await getItem({
    pk: derivedPartition(family as "sales", "all", granularity),
    sk: bucketSortKey(bucket, "all"),
  });
  return item ? { sums: measuresOf(item), ratios: ratiosOf(item) } : undefined;
};

beforeAll(async () => {
  await createTestTable("analytics-rollup");
  const dealA = openDeal({ createdAt: "2025-02-03T09:00:00.000Z", amount: 1000 });
  const dealB = openDeal({ createdAt: "2025-02-04T09:00:00.000Z", amount: 500 });
  const dealC = openDeal({ createdAt: "2025-02-04T10:00:00.000Z", amount: 300, currency: "USD" });
  for (const event of [
    activity("act_1", "call", "2025-02-03T08:00:00.000Z", "ana"),
    activity("act_2", "email", "2025-02-05T08:00:00.000Z", "bo"),
    activity("act_3", "meeting", "2025-02-10T08:00:00.000Z", "ana"),
    domainEvent("deal.created", { id: "deal_a", version: 1, data: dealA }),
    domainEvent("deal.created", { id: "deal_b", version: 1, data: dealB }),
    domainEvent("deal.created", { id: "deal_c", version: 1, data: dealC }),
    domainEvent("deal.won", {
      id: "deal_a",
      version: 2,
      data: closedDeal(dealA, "won", "2025-02-05T09:00:00.000Z"),
    }),
    domainEvent("deal.lost", {
      id: "deal_b",
      version: 2,
      data: closedDeal(dealB, "lost", "2025-02-06T09:00:00.000Z"),
    }),
  ]) {
    await recordAnalytics(event);
  }
});

describe("the rollup", () => {
  it("builds weeks (Monday to Sunday) and months from the days", async () => {
    const summary = await runRollup(RUN);
    expect(summary.day).toBe("2025-02-10");
    expect(await counter("activities.logged", "2025-W06", { granularity: "week" })).toEqual({
      count: 2,
      "count.call": 1,
      "count.email": 1,
    });
    expect(await counter("activities.logged", "2025-W07", { granularity: "week" })).toEqual({
      count: 1,
      "count.meeting": 1,
    });
    expect(await counter("activities.logged", "2025-02", { granularity: "month" })).toEqual({
      count: 3,
      "count.call": 1,
      "count.email": 1,
      "count.meeting": 1,
    });
    expect(
      await counter("activities.logged", "2025-W06", {
        granularity: "week",
        dimension: "owner",
        value: "bo",
      }),
    ).toEqual({ count: 1, "count.email": 1 });
    expect(await counter("deals.created", "2025-02", { granularity: "month" })).toEqual({
      count: 3,
      "amount.EUR": 1500,
      "amount.USD": 300,
    });
  });

  it("derives win rate and sales cycle per day, week and month", async () => {
    expect(await derived("sales", "week", "2025-W06")).toEqual({
      sums: {
        won: 1,
        lost: 1,
        wonCycleSeconds: 2 * 86_400,
        "won.EUR": 1000,
        "lost.EUR": 500,
      },
      ratios: { winRate: 0.5, averageSalesCycleSeconds: 2 * 86_400 },
    });
    expect((await derived("sales", "day", "2025-02-05"))?.ratios).toEqual({
      winRate: 1,
      averageSalesCycleSeconds: 2 * 86_400,
    });
    expect((await derived("sales", "day", "2025-02-06"))?.ratios).toEqual({ winRate: 0 });
    expect(await derived("sales", "day", "2025-02-07")).toBeUndefined();
  });

  it("snapshots the open pipeline into the day, week and month of the run", async () => {
    for (const [granularity, bucket] of [
      ["day", "2025-02-10"],
      ["week", "2025-W07"],
      ["month", "2025-02"],
    ] as const) {
      const items = await queryPartition(snapshotPartition("pipeline.open", granularity), {
        prefix: `${bucket}#`,
      });
      expect(items.map((i) => [i.position, measuresOf(i)])).toEqual([
        [["pip_sales", "stg_qualify"], { count: 1, "amount.USD": 300 }],
      ]);
    }
    expect(await readDirectory()).toMatchObject({ pipelines: [], teams: [] });
  });

  it("writes the same figures when run again: only the snapshot and directory are retaken", async () => {
    const before = await queryPartition(derivedPartition("sales", "all", "week"));
    const again = await runRollup(RUN);
    expect(again).toMatchObject({ itemsWritten: 4, itemsDeleted: 0 });
    const after = await queryPartition(derivedPartition("sales", "all", "week"));
    expect(after).toEqual(before);
  });

  it("rebuilds the month of a late event, far from the run's day, from its touched mark", async () => {
    await recordAnalytics(activity("act_late", "note", "2025-01-15T08:00:00.000Z", "ana"));
    expect(await counter("activities.logged", "2025-01", { granularity: "month" })).toEqual({});
    await handler({ schedule: "analytics-rollup-hourly", ...RUN });
    expect(await counter("activities.logged", "2025-01", { granularity: "month" })).toEqual({
      count: 1,
      "count.note": 1,
    });
  });

  it("removes what a change took away, and clears the marks once they settled", async () => {
    // The email of the 5th is deleted: its week and month lose it.
    await recordAnalytics(domainEvent("activity.deleted", { id: "act_2", version: 1, data: null }));
    const marks = await queryPartition(TOUCHED_PARTITION, undefined, { consistent: true });
    expect(marks.length).toBeGreaterThan(0);
    // Marks younger than the settling time stay for the next run.
    const fresh = await runRollup({ ...RUN, now: new Date() });
    expect(fresh.marksCleared).toBe(0);
    expect(await counter("activities.logged", "2025-W06", { granularity: "week" })).toEqual({
      count: 1,
      "count.call": 1,
    });
    expect(
      await counter("activities.logged", "2025-W06", {
        granularity: "week",
        dimension: "owner",
        value: "bo",
      }),
    ).toEqual({});
    const settled = await runRollup({ ...RUN, now: new Date(Date.now() + MARK_SETTLE_MS + 1000) });
    expect(settled.marksCleared).toBe(marks.length);
    expect(await queryPartition(TOUCHED_PARTITION, undefined, { consistent: true })).toEqual([]);
  });
});
