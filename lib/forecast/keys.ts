import type { ItemKey } from "#lib/db/record-store";

/**
 * Every key format of the forecast, in one place. See docs/data-model.md for the access patterns.
 *
 * | item         | pk                         | sk                                                   | ttl     |
 * |--------------|----------------------------|------------------------------------------------------|---------|
 * | bucket       | forecast#<pipelineId>      | bucket#<YYYY-MM>#<owner>#<stageId>#<currency>        |         |
 * | contribution | forecast#deal#<dealId>     | contribution                                         | deleted: 15 days |
 *
 * A bucket sums the amounts (minor units, in the deals' own currency) and counts the deals of
 * one pipeline that count in one month (see `forecastMonthOf`), for one owner, in one stage, in
 * one currency. A period's buckets are one key range of the pipeline's partition, so a forecast
 * is one Query whose cost grows with the owners × stages × currencies of the period, never with
 * the deals or the table. `<owner>` is the owner id URI-encoded, so that it holds no `#`.
 *
 * A deal's contribution says what the buckets hold of it now: which bucket, how much, as of which
 * version of the deal. The recorder moves a deal from its old bucket to its new one in the same
 * transaction as it replaces the contribution, conditioned on the contribution it read, so the
 * buckets always equal the sum of the contributions. A deleted deal's contribution stays (as
 * `deleted`, counting nowhere) for 15 days, as long as an applied mark (`appliedMarkTtl`), so
 * that late deliveries of its older events are recognised as stale instead of counting it again.
 */
export const forecastPartition = (pipelineId: string) => `forecast#${pipelineId}`;

const ownerKeyOf = (ownerId: string) => encodeURIComponent(ownerId);

export interface BucketCoordinates {
  readonly pipelineId: string;
  /** `YYYY-MM`. */
  readonly month: string;
  readonly ownerId: string;
  readonly stageId: string;
  readonly currency: string;
}

export const bucketKey = (b: BucketCoordinates): ItemKey => ({
  pk: forecastPartition(b.pipelineId),
  sk: `bucket#${b.month}#${ownerKeyOf(b.ownerId)}#${b.stageId}#${b.currency}`,
});

/** The sort key range of the buckets of months `first`..`last` (inclusive, `YYYY-MM`). */
export const bucketRange = (first: string, last: string): readonly [string, string] => [
  `bucket#${first}#`,
  // `$` sorts right after `#`: every bucket of the last month is below it.
  `bucket#${last}$`,
];

export const contributionKey = (dealId: string): ItemKey => ({
  pk: `forecast#deal#${dealId}`,
  sk: "contribution",
});

export const BUCKET_ENTITY_TYPE = "forecast-bucket";
export const CONTRIBUTION_ENTITY_TYPE = "forecast-contribution";
