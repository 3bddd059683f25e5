import type { Dimension, Measures, MetricId } from "#lib/analytics/metrics";

/**
 * Derived figures: what the counters alone do not say, computed by the scheduled rollup for every
 * day, week and month (and dimension value) whose counters changed, and kept in derived items.
 *
 * A family keeps its *sums* (additive: counts, totals of seconds and money) and its *ratios*
 * (rates and averages, from the sums). A ratio over several buckets is never the average of
 * their ratios: readers add the sums and apply `ratios` again, so a win rate over a quarter is
 * won / closed over the quarter, whatever its weeks looked like.
 */
export interface DerivedFamily {
  readonly id: DerivedFamilyId;
  readonly inputs: readonly MetricId[];
  /** Dimensions every input has. */
  readonly dimensions: readonly Dimension[];
  readonly sums: (inputs: Readonly<Partial<Record<MetricId, Measures>>>) => Measures;
  /** Left out where the denominator is zero: no rate is not a rate of zero. */
  readonly ratios: (sums: Measures) => Measures;
}

export const DERIVED_FAMILY_IDS = ["sales", "funnel", "support", "sla", "satisfaction"] as const;
export type DerivedFamilyId = (typeof DERIVED_FAMILY_IDS)[number];

const ratio = (name: string, numerator: number | undefined, denominator: number | undefined) =>
  denominator ? { [name]: (numerator ?? 0) / denominator } : {};

/** `{ "amount.EUR": 5 }` -> `{ "won.EUR": 5 }`. */
const renamePrefixed = (measures: Measures | undefined, from: string, to: string): Measures =>
  Object.fromEntries(
    Object.entries(measures ?? {}).flatMap(([name, n]) =>
      name.startsWith(from) ? [[`${to}${name.slice(from.length)}`, n]] : [],
    ),
  );

const nonZero = (measures: Record<string, number | undefined>): Measures =>
  Object.fromEntries(
    Object.entries(measures).flatMap(([name, n]) => (n ? [[name, n] as [string, number]] : [])),
  );

export const DERIVED_FAMILIES: Readonly<Record<DerivedFamilyId, DerivedFamily>> = {
  /** Win rate (won / closed) and average sales cycle of won deals, with won and lost money. */
  sales: {
    id: "sales",
    inputs: ["deals.won", "deals.lost"],
    dimensions: ["all", "owner", "pipeline"],
    sums: (m) =>
      nonZero({
        won: m["deals.won"]?.count,
        lost: m["deals.lost"]?.count,
        wonCycleSeconds: m["deals.won"]?.cycleSeconds,
        ...renamePrefixed(m["deals.won"], "amount.", "won."),
        ...renamePrefixed(m["deals.lost"], "amount.", "lost."),
      }),
    ratios: (s) => ({
      ...ratio("winRate", s.won, (s.won ?? 0) + (s.lost ?? 0)),
      ...ratio("averageSalesCycleSeconds", s.wonCycleSeconds, s.won),
    }),
  },
  /** The lead funnel: created, qualified, converted, and the rates between them. */
  funnel: {
    id: "funnel",
    inputs: ["leads.created", "leads.qualified", "leads.converted"],
    dimensions: ["all", "source"],
    sums: (m) =>
      nonZero({
        created: m["leads.created"]?.count,
        qualified: m["leads.qualified"]?.count,
        converted: m["leads.converted"]?.count,
      }),
    ratios: (s) => ({
      ...ratio("qualificationRate", s.qualified, s.created),
      ...ratio("conversionRate", s.converted, s.created),
      ...ratio("qualifiedConversionRate", s.converted, s.qualified),
    }),
  },
  /** Tickets opened and solved, average first-response and resolution times. */
  support: {
    id: "support",
    inputs: ["tickets.opened", "tickets.solved", "tickets.first_response"],
    dimensions: ["all", "team"],
    sums: (m) =>
      nonZero({
        opened: m["tickets.opened"]?.count,
        solved: m["tickets.solved"]?.count,
        resolutionSeconds: m["tickets.solved"]?.resolutionSeconds,
        firstResponses: m["tickets.first_response"]?.count,
        firstResponseSeconds: m["tickets.first_response"]?.seconds,
      }),
    ratios: (s) => ({
      ...ratio("averageFirstResponseSeconds", s.firstResponseSeconds, s.firstResponses),
      ...ratio("averageResolutionSeconds", s.resolutionSeconds, s.solved),
    }),
  },
  /** SLA targets met and breached, and compliance (met / (met + breached)), overall and per target. */
  sla: {
    id: "sla",
    inputs: ["tickets.sla"],
    dimensions: ["all", "team"],
    sums: (m) => nonZero({ ...m["tickets.sla"] }),
    ratios: (s) => ({
      ...ratio("compliance", s.met, (s.met ?? 0) + (s.breached ?? 0)),
      ...ratio(
        "firstResponse.compliance",
        s["firstResponse.met"],
        (s["firstResponse.met"] ?? 0) + (s["firstResponse.breached"] ?? 0),
      ),
      ...ratio(
        "resolution.compliance",
        s["resolution.met"],
        (s["resolution.met"] ?? 0) + (s["resolution.breached"] ?? 0),
      ),
    }),
  },
  /** Satisfaction ratings: responses, average rating, share of 4s and 5s, count per rating. */
  satisfaction: {
    id: "satisfaction",
    inputs: ["csat.received"],
    dimensions: ["all", "team"],
    sums: (m) =>
      nonZero({
        responses: m["csat.received"]?.count,
        ratingSum: m["csat.received"]?.sum,
        ...renamePrefixed(m["csat.received"], "count.", "rating."),
      }),
    ratios: (s) => ({
      ...ratio("averageRating", s.ratingSum, s.responses),
      ...ratio("satisfactionRate", (s["rating.4"] ?? 0) + (s["rating.5"] ?? 0), s.responses),
    }),
  },
};

/** A derived item's figures for one bucket and value. */
export const derive = (
  family: DerivedFamily,
  inputs: Readonly<Partial<Record<MetricId, Measures>>>,
): { readonly sums: Measures; readonly ratios: Measures } => {
  const sums = family.sums(inputs);
  return { sums, ratios: family.ratios(sums) };
};

/** The families a metric feeds: those the rollup recomputes when the metric changed. */
export const familiesOf = (metric: MetricId): DerivedFamily[] =>
  Object.values(DERIVED_FAMILIES).filter((family) => family.inputs.includes(metric));
