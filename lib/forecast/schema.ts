import * as z from "zod/mini";
import { DEAL_STATUSES } from "#lib/deals/schema";
import { FORECAST_CATEGORIES } from "#lib/forecast/classify";
import { parsePeriod } from "#lib/forecast/period";
import { pipelineId } from "#lib/pipelines/schema";
import { userId } from "#lib/records/common-schema";

export const period = z
  .string()
  .check(
    z.refine(
      (value) => parsePeriod(value) !== undefined,
      "Expected a quarter such as 2026-Q4 or a month such as 2026-11",
    ),
  );

/** `GET /forecast`: one pipeline, one period, optionally one owner. */
export const forecastQuery = z.strictObject({
  pipelineId,
  period,
  ownerId: z.optional(userId),
});

/**
 * The figures of a forecast, in the base currency's minor units:
 * - `closedWon`: deals won in the period; `closedLost`: deals lost in it;
 * - `commit`: open deals expected to close in the period, in a stage whose win probability is at
 *   least the commit threshold;
 * - `bestCase`: the same down to the best-case threshold (commit deals included);
 * - `pipeline`: every open deal expected to close in the period;
 * - `weightedPipeline`: the open deals' amounts times their stage's win probability.
 */
export const forecastFigures = z.object({
  closedWon: z.int(),
  commit: z.int(),
  bestCase: z.int(),
  pipeline: z.int(),
  weightedPipeline: z.int(),
  closedLost: z.int(),
  dealCounts: z.object({ open: z.int(), won: z.int(), lost: z.int() }),
});

export const forecastStageRow = z.object({
  stageId: z.string(),
  /** Absent for a stage the pipeline no longer has (it held no deal when it was removed). */
  name: z.optional(z.string()),
  winProbability: z.int(),
  category: z.enum(FORECAST_CATEGORIES),
  amount: z.int(),
  /** Open stages only: the amount times the win probability. Closed deals are not pipeline. */
  weightedAmount: z.int(),
  dealCount: z.int(),
});

export const forecastSchema = z.object({
  pipelineId: z.string(),
  pipelineName: z.string(),
  period: z.object({ label: z.string(), from: z.string(), to: z.string() }),
  ownerId: z.optional(z.string()),
  /** The base currency every figure is in. */
  currency: z.string(),
  /** The rates applied, per currency met: one unit of it in base units. */
  rates: z.record(z.string(), z.number()),
  thresholds: z.object({ commit: z.int(), bestCase: z.int() }),
  totals: forecastFigures,
  byOwner: z.array(z.extend(forecastFigures, { ownerId: z.string() })),
  /** Every stage of the pipeline, in its order, then any stage it no longer has. */
  byStage: z.array(forecastStageRow),
  /** Amounts in currencies that have no rate any more: left out of every figure. */
  unconverted: z.array(z.object({ currency: z.string(), amount: z.int(), dealCount: z.int() })),
});

/** What the recorder reads from a deal event's `data`. */
export const forecastDealSlice = z.object({
  pipelineId: z.string(),
  stageId: z.string(),
  status: z.enum(DEAL_STATUSES),
  amount: z.int(),
  currency: z.string(),
  ownerId: z.string(),
  expectedCloseDate: z.string(),
  closedAt: z.optional(z.string()),
});

export type ForecastQuery = z.output<typeof forecastQuery>;
export type ForecastFigures = z.infer<typeof forecastFigures>;
export type ForecastStageRow = z.infer<typeof forecastStageRow>;
export type Forecast = z.infer<typeof forecastSchema>;
export type ForecastDealSlice = z.infer<typeof forecastDealSlice>;
