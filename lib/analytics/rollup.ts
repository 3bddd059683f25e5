import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import {
  addDays,
  bucketOf,
  bucketsOfDay,
  dayOf,
  daysOfBucket,
  type Granularity,
} from "#lib/analytics/buckets";
import { type DerivedFamily, derive, familiesOf } from "#lib/analytics/derived";
import { type Directory, directoryItem } from "#lib/analytics/directory";
import { sumMeasures } from "#lib/analytics/increments";
import {
  bucketRange,
  bucketSortKey,
  COUNTER_TYPE,
  counterPartition,
  DERIVED_TYPE,
  derivedPartition,
  gaugePartition,
  measureAttributes,
  measuresOf,
  RATIO_PREFIX,
  ratiosOf,
  SNAPSHOT_TYPE,
  snapshotPartition,
  TOUCHED_PARTITION,
  valueOfSortKey,
} from "#lib/analytics/keys";
import {
  type Dimension,
  GAUGES,
  isMetricId,
  METRIC_IDS,
  METRICS,
  type Measures,
  type MetricId,
} from "#lib/analytics/metrics";
import { batchWrite, type Item } from "#lib/analytics/store";
import { documentClient, tableName } from "#lib/db/client";
import { queryPartition } from "#lib/db/query-partition";
import type { ItemKey } from "#lib/db/record-store";
import { getAssignmentConfig } from "#lib/lead-assignment/service";
import { listPipelines } from "#lib/pipelines/service";
import { forEachLimited } from "#lib/webhooks/concurrency";

/**
 * The scheduled rollup. From the daily counters it builds what they cannot give at a glance:
 * - weekly and monthly counters, the sums of their days;
 * - derived figures per day, week and month (`derived.ts`: win rate, sales cycle, funnel rates,
 *   response and resolution times, SLA compliance, satisfaction);
 * - a snapshot of each gauge (the open pipeline by stage) for the day, week and month of the run;
 * - the directory of names and teams (`directory.ts`).
 *
 * Which periods: those of the run's day and the day before (for late events), and those of every
 * day the recorder marked touched since (an activity logged today for last March rebuilds last
 * March). Every figure is recomputed whole from the day counters and written with Put (items that
 * no longer have anything are deleted), so running the same period twice writes the same numbers.
 */

/**
 * A touched mark younger than this stays for the next run too: the counting transaction it was
 * put for may still be retrying, and this run may have read the day before it committed.
 */
export const MARK_SETTLE_MS = 5 * 60_000;
/**
 * Rebuilds run this many at a time: fast, without a burst that throttles the table. A failure lets
 * the rest of its stage finish, then fails the run before the next stage reads what it built.
 */
const PARALLEL = 8;

const sameMeasures = (a: Measures, b: Measures) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

const keyOf = (item: Item): ItemKey => ({ pk: String(item.pk), sk: String(item.sk) });

interface Tally {
  written: number;
  deleted: number;
}

/**
 * Makes one bucket of one partition hold exactly `wanted` (value -> item): puts what is new or
 * changed, deletes what is no longer wanted.
 */
const replaceBucket = async (
  pk: string,
  bucket: string,
  wanted: ReadonlyMap<string, Item>,
  tally: Tally,
) => {
  const existing = await queryPartition(pk, { prefix: `${bucket}#` });
  const existingByValue = new Map(
    existing.map((item) => [valueOfSortKey(String(item.sk), bucket), item]),
  );
  const puts = [...wanted].flatMap(([value, item]) => {
    const old = existingByValue.get(value);
    const unchanged =
      old &&
      sameMeasures(measuresOf(old), measuresOf(item)) &&
      sameMeasures(ratiosOf(old), ratiosOf(item));
    return unchanged ? [] : [item];
  });
  const deletes = [...existingByValue]
    .filter(([value]) => !wanted.has(value))
    .map(([, item]) => keyOf(item));
  await batchWrite(puts, deletes);
  tally.written += puts.length;
  tally.deleted += deletes.length;
};

/** Sums a metric's day counters into one week or month, per dimension value. */
const rebuildCounterPeriod = async (
  metric: MetricId,
  dimension: Dimension,
  granularity: Exclude<Granularity, "day">,
  bucket: string,
  rolledUpAt: string,
  tally: Tally,
) => {
  const { first, last } = daysOfBucket(granularity, bucket);
  const range = bucketRange(first, last);
  const days = await queryPartition(counterPartition(metric, dimension, "day"), range);
  const byValue = new Map<string, Measures[]>();
  for (const item of days) {
    const value = String(item.value);
    byValue.set(value, [...(byValue.get(value) ?? []), measuresOf(item)]);
  }
  const wanted = new Map<string, Item>();
  for (const [value, list] of byValue) {
    const sums = Object.fromEntries(Object.entries(sumMeasures(list)).filter(([, n]) => n !== 0));
    if (Object.keys(sums).length === 0) continue;
    wanted.set(value, {
      pk: counterPartition(metric, dimension, granularity),
      sk: bucketSortKey(bucket, value),
      entityType: COUNTER_TYPE,
      metric,
      dimension,
      granularity,
      bucket,
      value,
      rolledUpAt,
      ...measureAttributes(sums),
    });
  }
  await replaceBucket(counterPartition(metric, dimension, granularity), bucket, wanted, tally);
};

/** A derived family's figures for one bucket, per dimension value, from its inputs' counters. */
const rebuildDerived = async (
  family: DerivedFamily,
  dimension: Dimension,
  granularity: Granularity,
  bucket: string,
  rolledUpAt: string,
  tally: Tally,
) => {
  const inputs = new Map<string, Partial<Record<MetricId, Measures>>>();
  await Promise.all(
    family.inputs.map(async (metric) => {
      const items = await queryPartition(counterPartition(metric, dimension, granularity), {
        prefix: `${bucket}#`,
      });
      for (const item of items) {
        const value = String(item.value);
        inputs.set(value, { ...inputs.get(value), [metric]: measuresOf(item) });
      }
    }),
  );
  const wanted = new Map<string, Item>();
  for (const [value, measures] of inputs) {
    const { sums, ratios } = derive(family, measures);
    if (Object.keys(sums).length === 0) continue;
    wanted.set(value, {
      pk: derivedPartition(family.id, dimension, granularity),
      sk: bucketSortKey(bucket, value),
      entityType: DERIVED_TYPE,
      family: family.id,
      dimension,
      granularity,
      bucket,
      value,
      rolledUpAt,
      ...measureAttributes(sums),
      ...measureAttributes(ratios, RATIO_PREFIX),
    });
  }
  await replaceBucket(derivedPartition(family.id, dimension, granularity), bucket, wanted, tally);
};

/**
 * Photographs each gauge as it is now into the day, week and month of `day`: a week's or month's
 * snapshot is its latest day's. Past days keep the snapshot their last run took; a gauge has no
 * history, so a late event changes the level from now on and never a past snapshot.
 */
const snapshotGauges = async (day: string, takenAt: string, tally: Tally) => {
  for (const gauge of GAUGES) {
    const levels = await queryPartition(gaugePartition(gauge), undefined, { consistent: true });
    const buckets = bucketsOfDay(day);
    for (const granularity of ["day", "week", "month"] as const) {
      const bucket = buckets[granularity];
      const wanted = new Map<string, Item>();
      for (const level of levels) {
        const measures = Object.fromEntries(
          Object.entries(measuresOf(level)).filter(([, n]) => n !== 0),
        );
        if (Object.keys(measures).length === 0) continue;
        const position = String(level.sk);
        wanted.set(position, {
          pk: snapshotPartition(gauge, granularity),
          sk: bucketSortKey(bucket, position),
          entityType: SNAPSHOT_TYPE,
          gauge,
          granularity,
          bucket,
          position: level.position,
          day,
          takenAt,
          ...measureAttributes(measures),
        });
      }
      // The snapshot of the day is retaken on every run: written whether or not it changed.
      const existing = await queryPartition(snapshotPartition(gauge, granularity), {
        prefix: `${bucket}#`,
      });
      const deletes = existing
        .filter((item) => !wanted.has(valueOfSortKey(String(item.sk), bucket)))
        .map(keyOf);
      await batchWrite([...wanted.values()], deletes);
      tally.written += wanted.size;
      tally.deleted += deletes.length;
    }
  }
};

/** Every pipeline (a handful per account; paged for safety) and the teams, for the directory. */
const collectDirectory = async (rolledUpAt: string): Promise<Directory> => {
  const pipelines: Directory["pipelines"] = [];
  let cursor: string | undefined;
  do {
    const page = await listPipelines({ limit: 100, cursor });
    for (const p of page.data) {
      pipelines.push({
        id: p.id,
        name: p.name,
        stages: p.stages.map((s) => ({ id: s.id, name: s.name, closed: s.closed, won: s.won })),
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const { teams } = await getAssignmentConfig();
  return {
    pipelines,
    teams: teams.map((t) => ({ id: t.id, name: t.name, members: [...t.members] })),
    rolledUpAt,
  };
};

/** Deletes a touched mark unless it was touched again since it was read. */
const clearMark = async (mark: Item): Promise<boolean> => {
  try {
    await documentClient.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keyOf(mark),
        ConditionExpression: "touchedAt = :read",
        ExpressionAttributeValues: { ":read": mark.touchedAt },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

export interface RollupSummary {
  /** The run's day: its snapshot was taken. */
  readonly day: string;
  /** Metric and day pairs whose weeks, months and derived figures were rebuilt. */
  readonly touched: number;
  readonly periods: number;
  readonly derivedBuckets: number;
  readonly itemsWritten: number;
  readonly itemsDeleted: number;
  readonly marksCleared: number;
}

export interface RollupOptions {
  /** When the run was scheduled for (the schedule's `scheduledTime`): which day it is about. */
  readonly scheduledTime: string;
  /** When the run happens; marks touched after `now - MARK_SETTLE_MS` are kept. */
  readonly now?: Date;
}

/** One run of the rollup; see the module comment. */
export const runRollup = async (options: RollupOptions): Promise<RollupSummary> => {
  const now = options.now ?? new Date();
  const rolledUpAt = now.toISOString();
  const day = dayOf(options.scheduledTime);
  const tally: Tally = { written: 0, deleted: 0 };

  const marks = await queryPartition(TOUCHED_PARTITION, undefined, { consistent: true });
  const daysOf = new Map<MetricId, Set<string>>();
  const touch = (metric: MetricId, touchedDay: string) =>
    daysOf.set(metric, (daysOf.get(metric) ?? new Set()).add(touchedDay));
  for (const metric of METRIC_IDS) for (const d of [addDays(day, -1), day]) touch(metric, d);
  for (const mark of marks) {
    const metric = String(mark.metric);
    if (isMetricId(metric)) touch(metric, String(mark.day));
  }

  // Weeks and months of the counters first: the derived figures of weeks and months read them.
  const periods = [...daysOf].flatMap(([metric, days]) => {
    const buckets = new Set(
      [...days].flatMap((d) => [`week|${bucketOf("week", d)}`, `month|${bucketOf("month", d)}`]),
    );
    return [...buckets].flatMap((entry) => {
      const [granularity, bucket] = entry.split("|") as ["week" | "month", string];
      return METRICS[metric].dimensions.map((dimension) => ({
        metric,
        dimension,
        granularity,
        bucket,
      }));
    });
  });
  await forEachLimited(periods, PARALLEL, (p) =>
    rebuildCounterPeriod(p.metric, p.dimension, p.granularity, p.bucket, rolledUpAt, tally),
  );

  const families = new Map<DerivedFamily, Set<string>>();
  for (const [metric, days] of daysOf) {
    for (const family of familiesOf(metric)) {
      const buckets = families.get(family) ?? new Set<string>();
      for (const d of days) {
        const ofDay = bucketsOfDay(d);
        for (const g of ["day", "week", "month"] as const) buckets.add(`${g}|${ofDay[g]}`);
      }
      families.set(family, buckets);
    }
  }
  const derivedWork = [...families].flatMap(([family, buckets]) =>
    [...buckets].flatMap((entry) => {
      const [granularity, bucket] = entry.split("|") as [Granularity, string];
      return family.dimensions.map((dimension) => ({ family, dimension, granularity, bucket }));
    }),
  );
  await forEachLimited(derivedWork, PARALLEL, (w) =>
    rebuildDerived(w.family, w.dimension, w.granularity, w.bucket, rolledUpAt, tally),
  );

  await snapshotGauges(day, rolledUpAt, tally);
  await batchWrite([directoryItem(await collectDirectory(rolledUpAt))], []);
  tally.written += 1;

  const settled = marks.filter(
    (mark) => new Date(String(mark.touchedAt)).getTime() <= now.getTime() - MARK_SETTLE_MS,
  );
  let marksCleared = 0;
  await forEachLimited(settled, PARALLEL, async (mark) => {
    if (await clearMark(mark)) marksCleared++;
  });

  return {
    day,
    touched: [...daysOf.values()].reduce((n, days) => n + days.size, 0),
    periods: periods.length,
    derivedBuckets: derivedWork.length,
    itemsWritten: tally.written,
    itemsDeleted: tally.deleted,
    marksCleared,
  };
};
