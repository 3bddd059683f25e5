import { daysOfBucket } from "#lib/analytics/buckets";
import { DERIVED_FAMILIES } from "#lib/analytics/derived";
import { type Directory, readDirectory } from "#lib/analytics/directory";
import { sumMeasures } from "#lib/analytics/increments";
import {
  bucketRange,
  counterPartition,
  derivedPartition,
  measuresOf,
  snapshotPartition,
} from "#lib/analytics/keys";
import { type Dimension, METRICS, type Measures, NONE } from "#lib/analytics/metrics";
import { type Item, queryNewestBucket } from "#lib/analytics/store";
import { queryPartition } from "#lib/db/query-partition";
import {
  currenciesIn,
  REPORT_DEFINITIONS,
  type ReportDefinition,
  type SeriesSpec,
  type Source,
  type SourceMeasures,
} from "#lib/reports/definitions";
import { planReport, type ReportPlan } from "#lib/reports/plan";
import {
  type Bucket,
  type GroupBy,
  isTimeGrouping,
  type Report,
  type ReportName,
  type Series,
  type Unit,
} from "#lib/reports/schema";

/**
 * Builds a report from rollup items only: one GetItem (the directory: names, teams, when the
 * rollup last ran) and one Query per source, plus one for the pipeline snapshots. That count
 * depends on the report, never on the data: each Query reads one partition over the range, and
 * returns a bounded number of items (buckets × dimension values, see `plan.ts`).
 */
export interface ReportRequest {
  readonly report: ReportName;
  readonly from: string;
  readonly to: string;
  readonly groupBy?: GroupBy | undefined;
}

const dimensionsOf = (source: Source): readonly Dimension[] =>
  source.kind === "counter"
    ? METRICS[source.metric].dimensions
    : DERIVED_FAMILIES[source.family].dimensions;

/**
 * The dimension a source is read in for a grouping. Teams are a dimension of ticket figures (a
 * ticket has a team); figures kept by owner are grouped into the owners' teams (a member of two
 * teams counts in both, one without a team in `NONE`).
 */
export const dimensionFor = (
  source: Source,
  groupBy: GroupBy,
): { readonly dimension: Dimension; readonly viaTeams: boolean } => {
  if (isTimeGrouping(groupBy)) return { dimension: "all", viaTeams: false };
  const dimensions = dimensionsOf(source);
  if (dimensions.includes(groupBy)) return { dimension: groupBy, viaTeams: false };
  if (groupBy === "team" && dimensions.includes("owner")) {
    return { dimension: "owner", viaTeams: true };
  }
  throw new Error(`A ${source.kind} source has no ${groupBy} dimension`);
};

interface Reading {
  /** Summed measures per bucket key (time bucket, or dimension value). */
  readonly byBucket: Map<string, Record<string, number>>;
  /** Summed over the whole range, each item once (a member of two teams is not doubled). */
  readonly total: Record<string, number>;
  readonly present: Set<string>;
}

const addInto = (into: Map<string, Record<string, number>>, key: string, measures: Measures) =>
  into.set(key, sumMeasures([into.get(key) ?? {}, measures]));

/** An owner's teams; a team grouping puts owners without a team in `NONE`. */
const teamsOf = (directory: Directory, owner: string): string[] => {
  const teams = directory.teams.filter((t) => t.members.includes(owner)).map((t) => t.id);
  return teams.length > 0 ? teams : [NONE];
};

/**
 * Reads one source and sums it per bucket key. The directory is still being read (see
 * `buildReport`): it is awaited only once the items are in.
 */
const readSource = async (
  source: Source,
  plan: ReportPlan,
  directory: Promise<Directory>,
): Promise<Reading> => {
  const { dimension, viaTeams } = dimensionFor(source, plan.groupBy);
  const pk =
    source.kind === "counter"
      ? counterPartition(source.metric, dimension, plan.granularity)
      : derivedPartition(source.family, dimension, plan.granularity);
  const items = await queryPartition(pk, bucketRange(plan.firstBucket, plan.lastBucket));
  const known = await directory;
  const byBucket = new Map<string, Record<string, number>>();
  const all: Measures[] = [];
  const present = new Set<string>();
  for (const item of items) {
    const measures = measuresOf(item);
    all.push(measures);
    for (const name of Object.keys(measures)) present.add(name);
    const value = String(item.value);
    const keys = isTimeGrouping(plan.groupBy)
      ? [String(item.bucket)]
      : viaTeams
        ? teamsOf(known, value)
        : [value];
    for (const key of keys) addInto(byBucket, key, measures);
  }
  return { byBucket, total: sumMeasures(all), present };
};

/** A derived family's ratios are recomputed from the summed sums: never averaged. */
const withRatios = (source: Source, sums: Measures): Measures =>
  source.kind === "derived" ? { ...sums, ...DERIVED_FAMILIES[source.family].ratios(sums) } : sums;

const round = (unit: Unit, value: number): number => {
  if (unit === "ratio") return Math.round(value * 10_000) / 10_000;
  if (unit === "rating") return Math.round(value * 100) / 100;
  return Math.round(value);
};

/** Counts and money are zero where nothing was counted; a rate or an average is then null. */
const pointValue = (spec: Pick<SeriesSpec, "unit">, value: number | undefined): number | null =>
  value === undefined
    ? spec.unit === "count" || spec.unit === "money"
      ? 0
      : null
    : round(spec.unit, value);

// Pipeline snapshots -----------------------------------------------------------------------------

interface SnapshotPart {
  readonly series: Series[];
  readonly totals: Record<string, number | null>;
  readonly buckets: string[];
}

const positionOf = (item: Item): [string, string] => {
  const position = Array.isArray(item.position) ? item.position.map(String) : [];
  return [position[0] ?? "", position[1] ?? ""];
};

/** Stages in the directory's order (pipeline by pipeline), unknown ones after, by id. */
const stageOrder = (directory: Directory, positions: Iterable<string>) => {
  const known = directory.pipelines.flatMap((p) =>
    p.stages.map((s) => ({ key: `${p.id}.${s.id}`, label: `${p.name} · ${s.name}` })),
  );
  const order = new Map(known.map((k, i) => [k.key, i]));
  return [...new Set(positions)]
    .map((key) => ({
      key,
      label: known.find((k) => k.key === key)?.label ?? key.replace(".", " · "),
      rank: order.get(key) ?? Number.MAX_SAFE_INTEGER,
    }))
    .sort((a, b) => a.rank - b.rank || a.key.localeCompare(b.key));
};

/** `directory` is the read in flight, as for `readSource`. */
const snapshotsOverTime = async (
  plan: ReportPlan,
  directory: Promise<Directory>,
): Promise<SnapshotPart> => {
  const items = await queryPartition(
    snapshotPartition("pipeline.open", plan.granularity),
    bucketRange(plan.firstBucket, plan.lastBucket),
  );
  const known = await directory;
  const byBucket = new Map<string, Map<string, Measures>>();
  for (const item of items) {
    const bucket = String(item.bucket);
    const levels = byBucket.get(bucket) ?? new Map<string, Measures>();
    levels.set(positionOf(item).join("."), measuresOf(item));
    byBucket.set(bucket, levels);
  }
  const stages = stageOrder(
    known,
    [...byBucket.values()].flatMap((levels) => [...levels.keys()]),
  );
  const currencies = currenciesIn(
    new Set(items.flatMap((i) => Object.keys(measuresOf(i)))),
    "amount.",
  );
  const buckets = plan.timeBuckets ?? [];
  const latest = [...buckets].reverse().find((b) => byBucket.has(b));
  const specs = stages.flatMap((stage) => [
    {
      key: `open.${stage.key}.count`,
      label: `${stage.label}: open deals`,
      unit: "count" as const,
      measure: "count",
    },
    ...currencies.map((currency) => ({
      key: `open.${stage.key}.${currency}`,
      label: `${stage.label}: open value (${currency})`,
      unit: "money" as const,
      currency,
      measure: `amount.${currency}`,
    })),
  ]);
  const stageKeyOf = (seriesKey: string) => seriesKey.split(".").slice(1, 3).join(".");
  const series = specs.map(({ measure, ...spec }) => ({
    ...spec,
    points: buckets.map((bucket) => {
      const levels = byBucket.get(bucket);
      // No snapshot was taken in that bucket (before analytics existed, or a missed run).
      if (!levels) return { bucket, value: null };
      return { bucket, value: levels.get(stageKeyOf(spec.key))?.[measure] ?? 0 };
    }),
  }));
  const totals = Object.fromEntries(
    specs.map((spec) => [
      spec.key,
      latest === undefined
        ? null
        : (byBucket.get(latest)?.get(stageKeyOf(spec.key))?.[spec.measure] ?? 0),
    ]),
  );
  return { series, totals, buckets: [] };
};

/** Grouped by pipeline: the open pipeline in the newest snapshot of the range. */
const snapshotsByPipeline = async (plan: ReportPlan): Promise<SnapshotPart> => {
  const items = await queryNewestBucket(
    snapshotPartition("pipeline.open", "day"),
    bucketRange(plan.from, plan.to),
    (item) => String(item.bucket),
  );
  const byPipeline = new Map<string, Record<string, number>>();
  for (const item of items) addInto(byPipeline, positionOf(item)[0], measuresOf(item));
  const total = sumMeasures([...byPipeline.values()]);
  const currencies = currenciesIn(new Set(Object.keys(total)), "amount.");
  const pipelines = [...byPipeline.keys()];
  const specs = [
    { key: "openDeals", label: "Open deals", unit: "count" as const, measure: "count" },
    ...currencies.map((currency) => ({
      key: `openValue.${currency}`,
      label: `Open value (${currency})`,
      unit: "money" as const,
      currency,
      measure: `amount.${currency}`,
    })),
  ];
  return {
    series: specs.map(({ measure, ...spec }) => ({
      ...spec,
      // Only the pipelines with snapshots: `buildReport` fills in the report's other buckets.
      points: pipelines.map((bucket) => ({
        bucket,
        value: byPipeline.get(bucket)?.[measure] ?? 0,
      })),
    })),
    totals: Object.fromEntries(specs.map((spec) => [spec.key, total[spec.measure] ?? 0])),
    buckets: pipelines,
  };
};

// Buckets ----------------------------------------------------------------------------------------

const dimensionLabel = (groupBy: GroupBy, key: string, directory: Directory): string => {
  if (key === NONE) return groupBy === "team" ? "(no team)" : "(none)";
  if (groupBy === "team") return directory.teams.find((t) => t.id === key)?.name ?? key;
  if (groupBy === "pipeline") return directory.pipelines.find((p) => p.id === key)?.name ?? key;
  return key;
};

const timeBucket = (plan: ReportPlan, key: string): Bucket => {
  const { first, last } = daysOfBucket(plan.granularity, key);
  return { key, label: key, from: first, to: last };
};

// The report -------------------------------------------------------------------------------------

export const buildReport = async (request: ReportRequest): Promise<Report> => {
  const definition: ReportDefinition = REPORT_DEFINITIONS[request.report];
  const groupBy = request.groupBy ?? definition.defaultGroupBy;
  const plan = planReport(definition.name, definition.groupBys, {
    from: request.from,
    to: request.to,
    groupBy,
  });

  // The directory is read alongside the queries, not before them: one round trip fewer. What
  // needs it (teams, stage names) waits for it after its own query.
  const directoryRead = readDirectory();
  const sources = Object.entries(definition.sources);
  const [directory, readings, snapshots] = await Promise.all([
    directoryRead,
    Promise.all(sources.map(([, source]) => readSource(source, plan, directoryRead))),
    !definition.snapshots
      ? undefined
      : isTimeGrouping(groupBy)
        ? snapshotsOverTime(plan, directoryRead)
        : snapshotsByPipeline(plan),
  ]);

  // Bucket keys: the x-axis of time, or every dimension value found (and every known team or
  // pipeline, so that a chart shows the ones with nothing too).
  let keys: string[];
  if (plan.timeBuckets) keys = [...plan.timeBuckets];
  else {
    const found = new Set([
      ...readings.flatMap((r) => [...r.byBucket.keys()]),
      ...(snapshots?.buckets ?? []),
      ...(groupBy === "team" ? directory.teams.map((t) => t.id) : []),
      ...(groupBy === "pipeline" ? directory.pipelines.map((p) => p.id) : []),
    ]);
    keys = [...found];
  }

  const figuresOf = (key: string): SourceMeasures =>
    Object.fromEntries(
      sources.map(([name, source], i) => [
        name,
        withRatios(source, readings[i]?.byBucket.get(key) ?? {}),
      ]),
    );
  const totalFigures: SourceMeasures = Object.fromEntries(
    sources.map(([name, source], i) => [name, withRatios(source, readings[i]?.total ?? {})]),
  );
  const present = Object.fromEntries(
    sources.map(([name], i) => [name, readings[i]?.present ?? new Set<string>()]),
  );
  const specs = definition.series(present);

  if (!plan.timeBuckets) {
    const figures = new Map(keys.map((key) => [key, figuresOf(key)]));
    const rankBy = definition.rank
      ?.map((key) => specs.find((s) => s.key === key))
      .filter((s): s is SeriesSpec => s !== undefined);
    keys.sort((a, b) => {
      for (const spec of rankBy ?? []) {
        const difference =
          (spec.value(figures.get(b) ?? {}) ?? 0) - (spec.value(figures.get(a) ?? {}) ?? 0);
        if (difference !== 0) return difference;
      }
      return (
        dimensionLabel(groupBy, a, directory).localeCompare(
          dimensionLabel(groupBy, b, directory),
        ) || a.localeCompare(b)
      );
    });
  }

  const series: Series[] = [
    ...(snapshots?.series.map((s) => ({
      ...s,
      points: plan.timeBuckets
        ? s.points
        : keys.map((bucket) => ({
            bucket,
            value: s.points.find((p) => p.bucket === bucket)?.value ?? 0,
          })),
    })) ?? []),
    ...specs.map((spec) => ({
      key: spec.key,
      label: spec.label,
      unit: spec.unit,
      ...(spec.currency ? { currency: spec.currency } : {}),
      points: keys.map((bucket) => ({
        bucket,
        value: pointValue(spec, spec.value(figuresOf(bucket))),
      })),
    })),
  ];
  const totals = {
    ...snapshots?.totals,
    ...Object.fromEntries(
      specs.map((spec) => [spec.key, pointValue(spec, spec.value(totalFigures))]),
    ),
  };
  return {
    report: definition.name,
    from: plan.from,
    to: plan.to,
    groupBy,
    granularity: plan.granularity,
    asOf: directory.rolledUpAt ?? null,
    currencies: [...new Set(series.flatMap((s) => (s.currency ? [s.currency] : [])))].sort(),
    buckets: keys.map((key) =>
      plan.timeBuckets
        ? timeBucket(plan, key)
        : { key, label: dimensionLabel(groupBy, key, directory) },
    ),
    series,
    totals,
  };
};
