import { describe, expect, it } from "vitest";
import { parsePeriod } from "#lib/forecast/period";
import { computeForecast } from "#lib/forecast/service";
import type { Bucket } from "#lib/forecast/store";
import type { Pipeline } from "#lib/pipelines/schema";

const periodOf = (label: string) => {
  const period = parsePeriod(label);
  if (!period) throw new Error(`Not a period: ${label}`);
  return period;
};

const stage = (id: string, name: string, winProbability: number, closed = false, won = false) => ({
  id,
  name,
  winProbability,
  closed,
  won,
});

const pipeline: Pipeline = {
  id: "pip_1",
  name: "New business",
  stages: [
    stage("stg_q", "Qualified", 20),
    stage("stg_p", "Proposal", 50),
    stage("stg_n", "Negotiation", 80),
    stage("stg_w", "Won", 100, true, true),
    stage("stg_l", "Lost", 0, true),
  ],
  version: 1,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  createdBy: "admin",
  updatedBy: "admin",
};

const bucket = (
  month: string,
  ownerId: string,
  stageId: string,
  currency: string,
  amount: number,
  dealCount: number,
  status: Bucket["status"] = "open",
): Bucket => ({
  pipelineId: "pip_1",
  month,
  ownerId,
  stageId,
  currency,
  status,
  amount,
  dealCount,
});

const settings = {
  currencies: { base: "EUR", rates: { USD: 0.92 } },
  settings: { commitThreshold: 70, bestCaseThreshold: 40 },
};

describe("computing a forecast from buckets", () => {
  it("adds up converted, weighted buckets into totals, owners and stages", () => {
    const forecast = computeForecast(
      { pipelineId: "pip_1", period: periodOf("2026-Q4") },
      pipeline,
      [
        bucket("2026-10", "ann", "stg_q", "EUR", 10_000_00, 2),
        bucket("2026-11", "ann", "stg_p", "USD", 5_000_00, 1),
        bucket("2026-12", "bob", "stg_n", "EUR", 20_000_00, 1),
        bucket("2026-11", "bob", "stg_w", "EUR", 7_500_00, 1, "won"),
        bucket("2026-10", "ann", "stg_l", "EUR", 3_000_00, 1, "lost"),
        bucket("2026-12", "bob", "stg_q", "GBP", 1_000_00, 1),
        // Emptied by a deal that moved away: nothing to say.
        bucket("2026-12", "bob", "stg_p", "EUR", 0, 0),
      ],
      settings,
    );
    expect(forecast).toMatchObject({
      pipelineId: "pip_1",
      pipelineName: "New business",
      period: { label: "2026-Q4", from: "2026-10-01", to: "2026-12-31" },
      currency: "EUR",
      rates: { USD: 0.92 },
      thresholds: { commit: 70, bestCase: 40 },
      unconverted: [{ currency: "GBP", amount: 1_000_00, dealCount: 1 }],
    });
    expect(forecast).not.toHaveProperty("ownerId");
    expect(forecast.totals).toEqual({
      closedWon: 7_500_00,
      commit: 20_000_00,
      bestCase: 24_600_00,
      pipeline: 34_600_00,
      weightedPipeline: 20_300_00,
      closedLost: 3_000_00,
      dealCounts: { open: 4, won: 1, lost: 1 },
    });
    expect(forecast.byOwner).toEqual([
      {
        ownerId: "ann",
        closedWon: 0,
        commit: 0,
        bestCase: 4_600_00,
        pipeline: 14_600_00,
        weightedPipeline: 4_300_00,
        closedLost: 3_000_00,
        dealCounts: { open: 3, won: 0, lost: 1 },
      },
      {
        ownerId: "bob",
        closedWon: 7_500_00,
        commit: 20_000_00,
        bestCase: 20_000_00,
        pipeline: 20_000_00,
        weightedPipeline: 16_000_00,
        closedLost: 0,
        dealCounts: { open: 1, won: 1, lost: 0 },
      },
    ]);
    expect(forecast.byStage).toEqual([
      {
        stageId: "stg_q",
        name: "Qualified",
        winProbability: 20,
        category: "pipeline",
        amount: 10_000_00,
        weightedAmount: 2_000_00,
        dealCount: 2,
      },
      {
        stageId: "stg_p",
        name: "Proposal",
        winProbability: 50,
        category: "best_case",
        amount: 4_600_00,
        weightedAmount: 2_300_00,
        dealCount: 1,
      },
      {
        stageId: "stg_n",
        name: "Negotiation",
        winProbability: 80,
        category: "commit",
        amount: 20_000_00,
        weightedAmount: 16_000_00,
        dealCount: 1,
      },
      {
        stageId: "stg_w",
        name: "Won",
        winProbability: 100,
        category: "closed_won",
        amount: 7_500_00,
        weightedAmount: 0,
        dealCount: 1,
      },
      {
        stageId: "stg_l",
        name: "Lost",
        winProbability: 0,
        category: "closed_lost",
        amount: 3_000_00,
        weightedAmount: 0,
        dealCount: 1,
      },
    ]);
  });

  it("lists every stage with zeros, and no rates, for a period without deals", () => {
    const forecast = computeForecast(
      { pipelineId: "pip_1", period: periodOf("2027-01"), ownerId: "ann" },
      pipeline,
      [],
      settings,
    );
    expect(forecast.ownerId).toBe("ann");
    expect(forecast.rates).toEqual({});
    expect(forecast.byOwner).toEqual([]);
    expect(forecast.totals.pipeline).toBe(0);
    expect(forecast.byStage.map((s) => [s.name, s.amount, s.dealCount])).toEqual([
      ["Qualified", 0, 0],
      ["Proposal", 0, 0],
      ["Negotiation", 0, 0],
      ["Won", 0, 0],
      ["Lost", 0, 0],
    ]);
  });

  it("counts a bucket of a stage the pipeline lost by its stored status, with no probability", () => {
    const forecast = computeForecast(
      { pipelineId: "pip_1", period: periodOf("2026-11") },
      pipeline,
      [bucket("2026-11", "ann", "stg_gone", "EUR", 100, 1)],
      settings,
    );
    expect(forecast.totals).toMatchObject({ pipeline: 100, weightedPipeline: 0, bestCase: 0 });
    expect(forecast.byStage.at(-1)).toEqual({
      stageId: "stg_gone",
      winProbability: 0,
      category: "pipeline",
      amount: 100,
      weightedAmount: 0,
      dealCount: 1,
    });
  });
});
