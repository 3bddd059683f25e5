import { randomUUID } from "node:crypto";
import { recordDealEvent } from "#lib/forecast/recorder";
import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The forecast route's cost scenario. The buckets are kept by the forecast recorder from deal
 * events, and the bus does not run in process, so the setup records the deals' `deal.created`
 * itself, as the recorder would.
 */
const pipelineBody = (n: number) => ({
  name: `Forecast pipeline ${n}`,
  stages: [
    { name: "Qualified", winProbability: 20 },
    { name: "Commit", winProbability: 80 },
    { name: "Won", winProbability: 100, closed: true, won: true },
    { name: "Lost", winProbability: 0, closed: true },
  ],
});

const recordCreated = async (deal: Record<string, unknown>) => {
  const at = String(deal.updatedAt);
  await recordDealEvent({
    id: randomUUID(),
    source: "crm",
    "detail-type": "deal.created",
    time: at,
    detail: {
      schemaVersion: 1,
      eventId: randomUUID(),
      occurredAt: at,
      entity: "deal",
      id: String(deal.id),
      version: Number(deal.version),
      actor: String(deal.updatedBy),
      data: deal,
      changes: {},
    },
  });
};

/** A pipeline with deals of two owners in two stages and three months of 2026-Q4. */
const pipelineWithDeals = async (f: Fixtures) => {
  const pipeline = await f.call({ routeKey: "POST /pipelines", body: pipelineBody(f.next()) }, 201);
  const pipelineId = String(pipeline.json?.id);
  const stages = pipeline.json?.stages as { id: string }[];
  for (const [i, month] of ["10", "11", "12"].entries()) {
    for (const ownerId of ["owner-1", "owner-2"]) {
      const created = await f.call(
        {
          routeKey: "POST /deals",
          body: {
            name: `Deal ${f.next()}`,
            amount: 100_000 * (i + 1),
            expectedCloseDate: `2026-${month}-15`,
            pipelineId,
            stageId: stages[i % 2]?.id,
            ownerId,
          },
        },
        201,
      );
      await recordCreated(created.json ?? {});
    }
  }
  return pipelineId;
};

export const forecastScenarios: readonly CostScenario[] = [
  {
    id: "getForecast",
    operationId: "getForecast",
    label: "GET /forecast?pipelineId=&period=2026-Q4",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /forecast",
      query: { pipelineId: await pipelineWithDeals(f), period: "2026-Q4" },
    }),
    note:
      "One Query of the period's buckets (per pipeline, month, owner, stage and currency; never " +
      "the deals); the pipeline comes from the per-instance cache.",
  },
  {
    id: "getForecast.owner",
    operationId: "getForecast",
    label: "GET /forecast?pipelineId=&period=2026-11&ownerId=",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /forecast",
      query: { pipelineId: await pipelineWithDeals(f), period: "2026-11", ownerId: "owner-1" },
    }),
    note: "The same Query over one month, the owner a filter on it.",
  },
];
