import { type CurrencySettings, currencySettings } from "#lib/deals/currencies";
import { notFound } from "#lib/errors/domain-error";
import { categoryOf, type ForecastCategory } from "#lib/forecast/classify";
import { type ForecastSettings, forecastSettings } from "#lib/forecast/config";
import { toBase, weighted } from "#lib/forecast/money";
import { type Period, parsePeriod } from "#lib/forecast/period";
import type {
  Forecast,
  ForecastFigures,
  ForecastQuery,
  ForecastStageRow,
} from "#lib/forecast/schema";
import { type Bucket, readBuckets } from "#lib/forecast/store";
import { pipelineWithStages } from "#lib/pipelines/cache";
import type { Pipeline, Stage } from "#lib/pipelines/schema";

/**
 * `GET /forecast`: a pipeline's forecast for a quarter or a month, from the buckets the recorder
 * keeps (recorder.ts), never from the deals: one Query of the period's buckets and the pipeline
 * (cached). Each bucket is converted to the base currency (rounded once, in minor units) and
 * weighted by its stage's current win probability (rounded once), and then only added up, so
 * the totals are exactly the sums of the rows by owner and by stage.
 */

const emptyFigures = (): ForecastFigures => ({
  closedWon: 0,
  commit: 0,
  bestCase: 0,
  pipeline: 0,
  weightedPipeline: 0,
  closedLost: 0,
  dealCounts: { open: 0, won: 0, lost: 0 },
});

/** Adds one bucket's converted amount to figures, by its category. */
const add = (
  figures: ForecastFigures,
  category: ForecastCategory,
  amount: number,
  weightedAmount: number,
  deals: number,
): ForecastFigures => {
  const open = category === "commit" || category === "best_case" || category === "pipeline";
  return {
    closedWon: figures.closedWon + (category === "closed_won" ? amount : 0),
    commit: figures.commit + (category === "commit" ? amount : 0),
    bestCase: figures.bestCase + (category === "commit" || category === "best_case" ? amount : 0),
    pipeline: figures.pipeline + (open ? amount : 0),
    weightedPipeline: figures.weightedPipeline + (open ? weightedAmount : 0),
    closedLost: figures.closedLost + (category === "closed_lost" ? amount : 0),
    dealCounts: {
      open: figures.dealCounts.open + (open ? deals : 0),
      won: figures.dealCounts.won + (category === "closed_won" ? deals : 0),
      lost: figures.dealCounts.lost + (category === "closed_lost" ? deals : 0),
    },
  };
};

/**
 * A stage the pipeline no longer has held no deal when it went (a stage with deals cannot be
 * removed); its bucket can only be non-empty for the moment an event is in flight. It counts by
 * the status the recorder stored, with no probability.
 */
const stageLike = (stage: Stage | undefined, bucket: Bucket) =>
  stage ?? {
    closed: bucket.status !== "open",
    won: bucket.status === "won",
    winProbability: 0,
  };

export interface ForecastInput {
  readonly currencies?: CurrencySettings;
  readonly settings?: ForecastSettings;
}

/** The query with its period parsed. */
export type ParsedForecastQuery = Omit<ForecastQuery, "period"> & { readonly period: Period };

/** The figures of `buckets` against `pipeline`; pure, for the service and its tests. */
export const computeForecast = (
  query: ParsedForecastQuery,
  pipeline: Pipeline,
  buckets: readonly Bucket[],
  { currencies = currencySettings(), settings = forecastSettings() }: ForecastInput = {},
): Forecast => {
  const { period } = query;
  const stages = new Map(pipeline.stages.map((s) => [s.id, s]));
  let totals = emptyFigures();
  const byOwner = new Map<string, ForecastFigures>();
  const byStage = new Map<string, ForecastStageRow>(
    pipeline.stages.map((s) => [
      s.id,
      {
        stageId: s.id,
        name: s.name,
        winProbability: s.winProbability,
        category: categoryOf(s, settings),
        amount: 0,
        weightedAmount: 0,
        dealCount: 0,
      },
    ]),
  );
  const rates: Record<string, number> = {};
  const unconverted = new Map<string, { amount: number; dealCount: number }>();

  for (const bucket of buckets) {
    if (bucket.amount === 0 && bucket.dealCount === 0) continue;
    const converted = toBase(bucket.amount, bucket.currency, currencies);
    if (!converted) {
      const sum = unconverted.get(bucket.currency) ?? { amount: 0, dealCount: 0 };
      unconverted.set(bucket.currency, {
        amount: sum.amount + bucket.amount,
        dealCount: sum.dealCount + bucket.dealCount,
      });
      continue;
    }
    if (bucket.currency !== currencies.base) rates[bucket.currency] = converted.rate;
    const stage = stages.get(bucket.stageId);
    const like = stageLike(stage, bucket);
    const category = categoryOf(like, settings);
    const weightedAmount = like.closed ? 0 : weighted(converted.amount, like.winProbability);
    totals = add(totals, category, converted.amount, weightedAmount, bucket.dealCount);
    byOwner.set(
      bucket.ownerId,
      add(
        byOwner.get(bucket.ownerId) ?? emptyFigures(),
        category,
        converted.amount,
        weightedAmount,
        bucket.dealCount,
      ),
    );
    const row = byStage.get(bucket.stageId) ?? {
      stageId: bucket.stageId,
      winProbability: like.winProbability,
      category,
      amount: 0,
      weightedAmount: 0,
      dealCount: 0,
    };
    byStage.set(bucket.stageId, {
      ...row,
      amount: row.amount + converted.amount,
      weightedAmount: row.weightedAmount + weightedAmount,
      dealCount: row.dealCount + bucket.dealCount,
    });
  }

  return {
    pipelineId: pipeline.id,
    pipelineName: pipeline.name,
    period: { label: period.label, from: period.from, to: period.to },
    ...(query.ownerId === undefined ? {} : { ownerId: query.ownerId }),
    currency: currencies.base,
    rates,
    thresholds: { commit: settings.commitThreshold, bestCase: settings.bestCaseThreshold },
    totals,
    byOwner: [...byOwner.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([ownerId, figures]) => ({ ownerId, ...figures })),
    byStage: [...byStage.values()],
    unconverted: [...unconverted.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, sum]) => ({ currency, ...sum })),
  };
};

export const getForecast = async (query: ForecastQuery): Promise<Forecast> => {
  const period = parsePeriod(query.period);
  // The route's schema (`period` in schema.ts) refuses every label this cannot parse.
  if (!period) throw new Error(`Not a period: ${query.period}`);
  const buckets = await readBuckets(
    query.pipelineId,
    period.months[0] ?? "",
    period.months.at(-1) ?? "",
    query.ownerId,
  );
  // Read again when the cached pipeline lacks a stage that buckets name.
  const pipeline = await pipelineWithStages(
    query.pipelineId,
    buckets.map((b) => b.stageId),
  );
  if (!pipeline) throw notFound("pipeline", query.pipelineId);
  return computeForecast({ ...query, period }, pipeline, buckets);
};
