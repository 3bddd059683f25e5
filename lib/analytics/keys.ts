import type { Granularity } from "#lib/analytics/buckets";
import type { Dimension, GaugeId, Measures, MetricId } from "#lib/analytics/metrics";
import type { ItemKey } from "#lib/db/record-store";

/**
 * Every key format of analytics, in one place. See docs/analytics.md and docs/data-model.md.
 *
 * | item          | pk                                                  | sk                        | written by       |
 * |---------------|-----------------------------------------------------|---------------------------|------------------|
 * | counter       | rollup#<metric>#<dimension>#<granularity>           | <bucket>#<value>          | recorder (day, ADD), rollup (week, month, Put) |
 * | derived       | rollup#derived#<family>#<dimension>#<granularity>   | <bucket>#<value>          | rollup (Put)     |
 * | gauge         | rollup#gauge#<gauge>                                | <position…>               | recorder (ADD)   |
 * | snapshot      | rollup#snapshot#<gauge>#<granularity>               | <bucket>#<position…>      | rollup (Put)     |
 * | touched day   | rollup#touched                                      | <day>#<metric>            | recorder, backfill; deleted by the rollup |
 * | directory     | rollup#directory                                    | directory                 | rollup (Put)     |
 * | applied mark  | analytics#applied#<eventId>                         | analytics#applied         | recorder (15-day TTL) |
 * | record state  | analytics#state#<entity>#<id>                       | analytics#state           | recorder, backfill |
 *
 * `<bucket>` is a day `2026-03-02`, an ISO week `2026-W10` or a month `2026-03` (fixed widths
 * that sort in time order, see `buckets.ts`); `<value>` is the dimension's value (`all` for the
 * total). One partition per metric, dimension and granularity, so a report over a range is one
 * Query per partition it reads: `sk BETWEEN "<first bucket>#" AND "<last bucket>$"` (`$` is the
 * character after `#`, so the range ends after every value of the last bucket and before the
 * next bucket). The number of items it returns is buckets × dimension values: it grows with the
 * range and the number of owners, pipelines or sources, never with the number of records.
 *
 * Measures are top-level number attributes named `m:<measure>` (`m:count`, `m:amount.EUR`), so
 * that `ADD` moves any of them without a read; nested maps cannot be created by `ADD`. Derived
 * items keep their ratios apart, as `r:<ratio>` (`r:winRate`): sums add up across buckets,
 * ratios do not.
 */
export const COUNTER_TYPE = "analytics-counter";
export const DERIVED_TYPE = "analytics-derived";
export const GAUGE_TYPE = "analytics-gauge";
export const SNAPSHOT_TYPE = "analytics-snapshot";
export const TOUCHED_TYPE = "analytics-touched";
export const DIRECTORY_TYPE = "analytics-directory";
export const APPLIED_MARK_TYPE = "analytics-applied";
export const RECORD_STATE_TYPE = "analytics-record-state";

export const MEASURE_PREFIX = "m:";
export const RATIO_PREFIX = "r:";
export const measureAttribute = (measure: string) => `${MEASURE_PREFIX}${measure}`;

const prefixed = (item: Readonly<Record<string, unknown>>, prefix: string): Measures =>
  Object.fromEntries(
    Object.entries(item).flatMap(([name, value]) =>
      name.startsWith(prefix) && typeof value === "number"
        ? [[name.slice(prefix.length), value]]
        : [],
    ),
  );

/** The measures of a stored item: its `m:` attributes. */
export const measuresOf = (item: Readonly<Record<string, unknown>>): Measures =>
  prefixed(item, MEASURE_PREFIX);

/** The ratios of a stored derived item: its `r:` attributes. */
export const ratiosOf = (item: Readonly<Record<string, unknown>>): Measures =>
  prefixed(item, RATIO_PREFIX);

/** The item attributes of measures (`{ "m:count": 3 }`) or of ratios (`{ "r:winRate": 0.5 }`). */
export const measureAttributes = (
  measures: Measures,
  prefix = MEASURE_PREFIX,
): Record<string, number> =>
  Object.fromEntries(Object.entries(measures).map(([name, n]) => [`${prefix}${name}`, n]));

export const counterPartition = (
  metric: MetricId,
  dimension: Dimension,
  granularity: Granularity,
) => `rollup#${metric}#${dimension}#${granularity}`;

export const derivedPartition = (family: string, dimension: Dimension, granularity: Granularity) =>
  `rollup#derived#${family}#${dimension}#${granularity}`;

export const bucketSortKey = (bucket: string, value: string) => `${bucket}#${value}`;

/** The value of a `<bucket>#<value>` sort key: buckets have a fixed width per granularity. */
export const valueOfSortKey = (sortKey: string, bucket: string) => sortKey.slice(bucket.length + 1);

/** The sort key range of the buckets from `first` to `last`, both included. */
export const bucketRange = (first: string, last: string) => ({ from: `${first}#`, to: `${last}$` });

export const counterKey = (
  metric: MetricId,
  dimension: Dimension,
  granularity: Granularity,
  bucket: string,
  value: string,
): ItemKey => ({
  pk: counterPartition(metric, dimension, granularity),
  sk: bucketSortKey(bucket, value),
});

export const gaugePartition = (gauge: GaugeId) => `rollup#gauge#${gauge}`;
export const gaugeKey = (gauge: GaugeId, position: readonly string[]): ItemKey => ({
  pk: gaugePartition(gauge),
  sk: position.join("#"),
});

export const snapshotPartition = (gauge: GaugeId, granularity: Granularity) =>
  `rollup#snapshot#${gauge}#${granularity}`;

export const TOUCHED_PARTITION = "rollup#touched";
export const touchedKey = (day: string, metric: MetricId): ItemKey => ({
  pk: TOUCHED_PARTITION,
  sk: `${day}#${metric}`,
});

export const directoryKey = (): ItemKey => ({ pk: "rollup#directory", sk: "directory" });

export const appliedMarkKey = (eventId: string): ItemKey => ({
  pk: `analytics#applied#${eventId}`,
  sk: "analytics#applied",
});

export const recordStateKey = (entity: string, id: string): ItemKey => ({
  pk: `analytics#state#${entity}#${id}`,
  sk: "analytics#state",
});
