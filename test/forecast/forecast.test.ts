import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "#events/envelope";
import type { Principal } from "#lib/auth/principal";
import { SALES_CURRENCIES_VARIABLE } from "#lib/deals/currencies";
import type { CreateDeal, Deal } from "#lib/deals/schema";
import { createDeal, deleteDeal, moveDeal, updateDeal } from "#lib/deals/service";
import { DealEvents } from "#lib/events/detail-types";
import { recordDealEvent } from "#lib/forecast/recorder";
import type { Forecast } from "#lib/forecast/schema";
import { getForecast } from "#lib/forecast/service";
import { readContribution } from "#lib/forecast/store";
import type { Pipeline } from "#lib/pipelines/schema";
import { createPipeline } from "#lib/pipelines/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

/**
 * The forecast against DynamoDB Local: the recorder keeps the buckets from deal events (built
 * here from real deals, as the stream publisher would), and the forecast adds them up. Every
 * expected figure is computed by hand in the test.
 */
const admin: Principal = { userId: "admin-1", roles: ["admin"] };
const ann: Principal = { userId: "ann", roles: ["sales"] };
const bob: Principal = { userId: "bob", roles: ["sales"] };

let pipeline: Pipeline;
const stageIdOf = (name: string) => pipeline.stages.find((s) => s.name === name)?.id ?? "";

/** A deal event as the publisher makes it: the deal after the change. */
const eventOf = (detailType: string, deal: Deal): BusEvent => ({
  id: randomUUID(),
  source: "crm",
  "detail-type": detailType,
  time: deal.updatedAt,
  detail: {
    schemaVersion: 1,
    eventId: randomUUID(),
    occurredAt: deal.updatedAt,
    entity: "deal",
    id: deal.id,
    version: deal.version,
    actor: deal.updatedBy,
    data: deal,
    changes: {},
  },
});

const deletedEventOf = (deal: Deal): BusEvent => ({
  ...eventOf(DealEvents.Deleted, deal),
  detail: { ...eventOf(DealEvents.Deleted, deal).detail, data: null },
});

const input = (over: Partial<CreateDeal>): CreateDeal => ({
  name: "Engines",
  amount: 1_000_00,
  lineItems: [],
  expectedCloseDate: "2026-11-15",
  pipelineId: pipeline.id,
  customFields: {},
  ...over,
});

/** Creates a deal and records its `deal.created`. */
const newDeal = async (over: Partial<CreateDeal>, actor: Principal = ann) => {
  const deal = await createDeal(input(over), actor);
  expect(await recordDealEvent(eventOf(DealEvents.Created, deal))).toBe("applied");
  return deal;
};

const q4 = (ownerId?: string) =>
  getForecast({ pipelineId: pipeline.id, period: "2026-Q4", ...(ownerId ? { ownerId } : {}) });

const stageFigures = (forecast: Forecast) =>
  Object.fromEntries(
    forecast.byStage
      .filter((s) => s.dealCount !== 0)
      .map((s) => [s.name, [s.amount, s.weightedAmount, s.dealCount]]),
  );

beforeAll(async () => {
  await createTestTable("forecast");
  pipeline = await createPipeline(
    {
      name: "New business",
      stages: [
        { name: "Qualified", winProbability: 20, closed: false, won: false },
        { name: "Proposal", winProbability: 50, closed: false, won: false },
        { name: "Negotiation", winProbability: 80, closed: false, won: false },
        { name: "Won", winProbability: 100, closed: true, won: true },
        { name: "Lost", winProbability: 0, closed: true, won: false },
      ],
    },
    admin,
  );
});

afterEach(() => {
  delete process.env[SALES_CURRENCIES_VARIABLE];
});

describe("the forecast of a pipeline", () => {
  it("adds up the period's deals by owner and stage, converted and weighted", async () => {
    process.env[SALES_CURRENCIES_VARIABLE] = '{"base":"EUR","rates":{"USD":0.92,"JPY":0.0062}}';
    // Q4 2026: ann has 10 000.00 EUR in Qualified and 5 000.00 USD (4 600.00 EUR) in Proposal;
    // bob has 20 000.00 EUR in Negotiation and 1 000 000 JPY (6 200.00 EUR) in Proposal.
    const a1 = await newDeal({ amount: 10_000_00, expectedCloseDate: "2026-10-01" });
    await newDeal({
      amount: 5_000_00,
      currency: "USD",
      stageId: stageIdOf("Proposal"),
      expectedCloseDate: "2026-12-31",
    });
    await newDeal(
      { amount: 20_000_00, stageId: stageIdOf("Negotiation"), expectedCloseDate: "2026-11-20" },
      bob,
    );
    await newDeal(
      {
        amount: 1_000_000,
        currency: "JPY",
        stageId: stageIdOf("Proposal"),
        expectedCloseDate: "2026-12-01",
      },
      bob,
    );
    // Outside the period, on both sides.
    await newDeal({ amount: 99_999_00, expectedCloseDate: "2026-09-30" });
    await newDeal({ amount: 88_888_00, expectedCloseDate: "2027-01-01" }, bob);

    const forecast = await q4();
    expect(forecast.currency).toBe("EUR");
    expect(forecast.rates).toEqual({ USD: 0.92, JPY: 0.0062 });
    expect(forecast.period).toEqual({ label: "2026-Q4", from: "2026-10-01", to: "2026-12-31" });
    expect(forecast.totals).toEqual({
      closedWon: 0,
      // Negotiation (80) >= 70.
      commit: 20_000_00,
      // Negotiation, and Proposal (50) >= 40: 20 000 + 4 600 + 6 200.
      bestCase: 30_800_00,
      pipeline: 40_800_00,
      // 10 000 × 20% + 4 600 × 50% + 20 000 × 80% + 6 200 × 50%.
      weightedPipeline: 23_400_00,
      closedLost: 0,
      dealCounts: { open: 4, won: 0, lost: 0 },
    });
    expect(forecast.byOwner.map((o) => [o.ownerId, o.pipeline, o.weightedPipeline])).toEqual([
      ["ann", 14_600_00, 4_300_00],
      ["bob", 26_200_00, 19_100_00],
    ]);
    expect(stageFigures(forecast)).toEqual({
      Qualified: [10_000_00, 2_000_00, 1],
      Proposal: [10_800_00, 5_400_00, 2],
      Negotiation: [20_000_00, 16_000_00, 1],
    });

    const annOnly = await q4("ann");
    expect(annOnly.ownerId).toBe("ann");
    expect(annOnly.byOwner.map((o) => o.ownerId)).toEqual(["ann"]);
    expect(annOnly.totals.pipeline).toBe(14_600_00);

    const october = await getForecast({ pipelineId: pipeline.id, period: "2026-10" });
    expect(october.totals.pipeline).toBe(10_000_00);
    expect(october.rates).toEqual({});
    expect((await readContribution(a1.id))?.placement?.month).toBe("2026-10");
  });

  it("follows a deal through stage moves, edits, a new owner, a new period, won and deleted", async () => {
    const other = await createPipeline(
      {
        name: "Steps",
        stages: [
          { name: "Open", winProbability: 10, closed: false, won: false },
          { name: "Likely", winProbability: 75, closed: false, won: false },
          { name: "Won", winProbability: 100, closed: true, won: true },
          { name: "Lost", winProbability: 0, closed: true, won: false },
        ],
      },
      admin,
    );
    const stageOf = (name: string) => other.stages.find((s) => s.name === name)?.id ?? "";
    const forecastOf = (period: string) => getForecast({ pipelineId: other.id, period });
    const now = new Date();
    const thisMonth = now.toISOString().slice(0, 7);

    let deal: Deal = await createDeal(
      {
        ...input({ amount: 4_000_00, expectedCloseDate: `${thisMonth}-28` }),
        pipelineId: other.id,
      },
      ann,
    );
    await recordDealEvent(eventOf(DealEvents.Created, deal));
    expect((await forecastOf(thisMonth)).totals).toMatchObject({
      pipeline: 4_000_00,
      weightedPipeline: 400_00,
      commit: 0,
    });

    deal = await moveDeal(deal.id, { stageId: stageOf("Likely") }, undefined, ann);
    await recordDealEvent(eventOf(DealEvents.StageChanged, deal));
    expect((await forecastOf(thisMonth)).totals).toMatchObject({
      pipeline: 4_000_00,
      weightedPipeline: 3_000_00,
      commit: 4_000_00,
      bestCase: 4_000_00,
    });

    deal = await updateDeal(deal.id, { amount: 6_000_00, ownerId: "bob" }, undefined, ann);
    await recordDealEvent(eventOf(DealEvents.Updated, deal));
    const edited = await forecastOf(thisMonth);
    expect(edited.totals).toMatchObject({ pipeline: 6_000_00, weightedPipeline: 4_500_00 });
    expect(edited.byOwner.map((o) => [o.ownerId, o.pipeline])).toEqual([["bob", 6_000_00]]);

    // The close date moves to next year: the deal leaves this month for that one.
    deal = await updateDeal(deal.id, { expectedCloseDate: "2031-02-10" }, undefined, bob);
    await recordDealEvent(eventOf(DealEvents.Updated, deal));
    expect((await forecastOf(thisMonth)).totals.pipeline).toBe(0);
    expect((await forecastOf("2031-Q1")).totals.pipeline).toBe(6_000_00);

    // Won today: it counts as closed won in the month it closed, not the one expected.
    deal = await moveDeal(deal.id, { stageId: stageOf("Won") }, undefined, bob);
    await recordDealEvent(eventOf(DealEvents.Won, deal));
    expect((await forecastOf("2031-Q1")).totals).toMatchObject({ pipeline: 0, closedWon: 0 });
    const booked = await forecastOf(String(deal.closedAt).slice(0, 7));
    expect(booked.totals).toMatchObject({
      closedWon: 6_000_00,
      pipeline: 0,
      weightedPipeline: 0,
      dealCounts: { open: 0, won: 1, lost: 0 },
    });
    expect(stageFigures(booked)).toEqual({ Won: [6_000_00, 0, 1] });

    const version = deal.version;
    await deleteDeal(deal.id, undefined, admin);
    await recordDealEvent(deletedEventOf({ ...deal, version }));
    expect((await forecastOf(String(deal.closedAt).slice(0, 7))).totals).toMatchObject({
      closedWon: 0,
      dealCounts: { open: 0, won: 0, lost: 0 },
    });
    expect(await readContribution(deal.id)).toEqual({ version, deleted: true });
  });
});

describe("the recorder, under at-least-once delivery", () => {
  it("counts a redelivered event once", async () => {
    const deal = await createDeal(input({ amount: 7_00, expectedCloseDate: "2029-05-05" }), ann);
    const created = eventOf(DealEvents.Created, deal);
    expect(await recordDealEvent(created)).toBe("applied");
    expect(await recordDealEvent(created)).toBe("stale");
    // The same change, announced again under another event id (a replayed stream).
    expect(await recordDealEvent(eventOf(DealEvents.Created, deal))).toBe("stale");
    const forecast = await getForecast({ pipelineId: pipeline.id, period: "2029-05" });
    expect(forecast.totals).toMatchObject({ pipeline: 7_00, dealCounts: { open: 1 } });
  });

  it("keeps the newest state whatever the order of delivery, and a deletion last", async () => {
    const v1 = await createDeal(input({ amount: 1_00, expectedCloseDate: "2029-06-01" }), ann);
    const v2 = await updateDeal(v1.id, { amount: 2_00 }, undefined, ann);
    const v3 = await updateDeal(v1.id, { expectedCloseDate: "2029-07-01" }, undefined, ann);
    const june = () => getForecast({ pipelineId: pipeline.id, period: "2029-06" });
    const july = () => getForecast({ pipelineId: pipeline.id, period: "2029-07" });

    expect(await recordDealEvent(eventOf(DealEvents.Updated, v2))).toBe("applied");
    expect(await recordDealEvent(eventOf(DealEvents.Created, v1))).toBe("stale");
    expect((await june()).totals.pipeline).toBe(2_00);
    expect(await recordDealEvent(eventOf(DealEvents.Updated, v3))).toBe("applied");
    expect(await recordDealEvent(eventOf(DealEvents.Updated, v2))).toBe("stale");
    expect((await june()).totals.pipeline).toBe(0);
    expect((await july()).totals.pipeline).toBe(2_00);

    // The deletion (at the last version) arrives before that version's own update.
    const v4 = await updateDeal(v1.id, { amount: 4_00 }, undefined, ann);
    await deleteDeal(v1.id, undefined, admin);
    expect(await recordDealEvent(deletedEventOf(v4))).toBe("applied");
    expect(await recordDealEvent(eventOf(DealEvents.Updated, v4))).toBe("stale");
    expect((await july()).totals).toMatchObject({ pipeline: 0, dealCounts: { open: 0 } });
  });

  it("adds up concurrent events of many deals in one bucket exactly", async () => {
    const deals = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createDeal(input({ amount: (i + 1) * 100, expectedCloseDate: "2029-08-08" }), bob),
      ),
    );
    const outcomes = await Promise.all(
      deals.flatMap((deal) => [
        recordDealEvent(eventOf(DealEvents.Created, deal)),
        recordDealEvent(eventOf(DealEvents.Created, deal)),
      ]),
    );
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(8);
    const forecast = await getForecast({ pipelineId: pipeline.id, period: "2029-08" });
    // 100 + 200 + … + 800.
    expect(forecast.totals).toMatchObject({ pipeline: 3_600, dealCounts: { open: 8 } });
  });

  it("ignores events that are not deal events", async () => {
    const deal = await createDeal(input({}), ann);
    expect(await recordDealEvent(eventOf("contact.created", deal))).toBe("ignored");
    expect(await readContribution(deal.id)).toBeUndefined();
  });
});

describe("asking for a forecast", () => {
  it("answers an unknown pipeline with 404", async () => {
    const error = await rejectionOf(
      getForecast({ pipelineId: "pip_01JD3V7K8QW2X9Y4Z5A6B7C8D9", period: "2026-Q4" }),
    );
    expect(error).toMatchObject({ kind: "not_found", code: "pipeline.not_found" });
  });
});
