import { dayOf } from "#lib/analytics/buckets";
import {
  ALL,
  type Dimension,
  type GaugeId,
  METRICS,
  type Measures,
  type MetricId,
  NONE,
} from "#lib/analytics/metrics";

/**
 * What the counting declarations (`counters.ts`) say about an event or a record, and what the
 * recorder writes for it.
 *
 * A *fact* is one thing counted: a metric, when, the values of its dimensions, and its measures.
 * An *increment* is what one fact adds to one counter item: the fact expanded over the metric's
 * dimensions (`all`, `owner`, …), one increment per dimension. Increments add up and cancel out,
 * so the change a record's new state makes is its new increments minus its old ones.
 */
export type DimensionValues = Readonly<
  Partial<Record<Exclude<Dimension, "all">, string | undefined>>
>;

export interface CounterFact {
  readonly metric: MetricId;
  /** When it happened (an ISO-8601 time or a day); it is counted on that UTC day. */
  readonly at: string;
  readonly dimensions?: DimensionValues;
  readonly measures: Measures;
}

/** A change of level of a gauge at a position (`pipeline.open` at `[pipelineId, stageId]`). */
export interface GaugeFact {
  readonly gauge: GaugeId;
  readonly position: readonly string[];
  readonly measures: Measures;
}

export type Fact = CounterFact | GaugeFact;

export interface CounterIncrement {
  readonly kind: "counter";
  readonly metric: MetricId;
  readonly dimension: Dimension;
  readonly value: string;
  readonly day: string;
  readonly measures: Measures;
}

export interface GaugeIncrement {
  readonly kind: "gauge";
  readonly gauge: GaugeId;
  readonly position: readonly string[];
  readonly measures: Measures;
}

export type Increment = CounterIncrement | GaugeIncrement;

/** One increment per dimension of the fact's metric; a missing dimension value is `NONE`. */
export const expand = (fact: Fact): Increment[] => {
  if ("gauge" in fact) {
    return [{ kind: "gauge", gauge: fact.gauge, position: fact.position, measures: fact.measures }];
  }
  const day = dayOf(fact.at);
  return METRICS[fact.metric].dimensions.map((dimension) => ({
    kind: "counter",
    metric: fact.metric,
    dimension,
    value: dimension === "all" ? ALL : (fact.dimensions?.[dimension] ?? NONE),
    day,
    measures: fact.measures,
  }));
};

/** Identifies the item an increment goes to; two increments of one item merge. */
export const targetOf = (increment: Increment): string =>
  increment.kind === "counter"
    ? ["counter", increment.metric, increment.dimension, increment.day, increment.value].join(
        "\u0000",
      )
    : ["gauge", increment.gauge, ...increment.position].join("\u0000");

const addMeasures = (into: Record<string, number>, measures: Measures, sign: number) => {
  for (const [name, amount] of Object.entries(measures)) {
    into[name] = (into[name] ?? 0) + sign * amount;
  }
};

/**
 * `plus` minus `minus`, merged per item, with measures that come to zero left out and items with
 * nothing left dropped: what must be added to the counters to move them from `minus` to `plus`.
 * A transaction may touch an item once only, so merging is also what makes it writable.
 */
export const difference = (
  plus: readonly Increment[],
  minus: readonly Increment[] = [],
): Increment[] => {
  const merged = new Map<string, { increment: Increment; measures: Record<string, number> }>();
  const add = (increments: readonly Increment[], sign: number) => {
    for (const increment of increments) {
      const target = targetOf(increment);
      const entry = merged.get(target) ?? { increment, measures: {} };
      addMeasures(entry.measures, increment.measures, sign);
      merged.set(target, entry);
    }
  };
  add(plus, 1);
  add(minus, -1);
  return [...merged.values()].flatMap(({ increment, measures }) => {
    const nonZero = Object.fromEntries(Object.entries(measures).filter(([, n]) => n !== 0));
    return Object.keys(nonZero).length === 0 ? [] : [{ ...increment, measures: nonZero }];
  });
};

/** Sums measures (for the rollups): `{count: 1} + {count: 2, sum: 5}` = `{count: 3, sum: 5}`. */
export const sumMeasures = (list: readonly Measures[]): Record<string, number> => {
  const total: Record<string, number> = {};
  for (const measures of list) addMeasures(total, measures, 1);
  return total;
};

/** The seconds from one ISO time to another, whole, never negative (clock skew between writers). */
export const secondsBetween = (from: string, to: string): number =>
  Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 1000));
