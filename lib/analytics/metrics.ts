/**
 * The metrics analytics keeps: what each counts, and along which dimensions. The counting itself
 * (which event or record moves which metric) is declared in `counters.ts`; the key formats are in
 * `keys.ts`; docs/analytics.md describes each metric for the people who read the reports.
 *
 * A metric is a set of named measures (`count`, `amount.EUR`, `cycleSeconds`, `count.call`),
 * summed per day and per value of each of its dimensions. `all` is the dimension with a single
 * value: the metric's total.
 */
export const DIMENSIONS = ["all", "owner", "pipeline", "source", "team"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The value of the `all` dimension. */
export const ALL = "all";
/** The value a record without one has (a deal without an owner is impossible; a lead's is not). */
export const NONE = "~none";

export interface MetricDefinition {
  readonly description: string;
  readonly dimensions: readonly Dimension[];
}

export const METRICS = {
  "contacts.created": {
    description: "Contacts created (count), by the day they were created",
    dimensions: ["all", "owner"],
  },
  "leads.created": {
    description: "Leads created (count), by the day they were created",
    dimensions: ["all", "source"],
  },
  "leads.qualified": {
    description: "Leads qualified (count), by the day of `lead.qualified`",
    dimensions: ["all", "source"],
  },
  "leads.converted": {
    description: "Leads converted (count), by the day of their conversion",
    dimensions: ["all", "source"],
  },
  "deals.created": {
    description: "Deals (count, `amount.<currency>`), by the day they were created",
    dimensions: ["all", "owner", "pipeline"],
  },
  "deals.won": {
    description:
      "Won deals (count, `amount.<currency>`, `cycleSeconds` from creation to close), by the day they were won",
    dimensions: ["all", "owner", "pipeline"],
  },
  "deals.lost": {
    description:
      "Lost deals (count, `amount.<currency>`, `cycleSeconds`), by the day they were lost",
    dimensions: ["all", "owner", "pipeline"],
  },
  "activities.logged": {
    description:
      "Activities (count, `count.<type>`: email, call, meeting, note, social), by the day they occurred",
    dimensions: ["all", "owner"],
  },
  "tickets.opened": {
    description: "Tickets opened (count), by the day they were created",
    dimensions: ["all", "team"],
  },
  "tickets.solved": {
    description:
      "Tickets solved (count, `resolutionSeconds` from creation to solved), by the day they were solved",
    dimensions: ["all", "team", "owner"],
  },
  "tickets.first_response": {
    description:
      "First agent responses (count, `seconds` from creation to the first public reply), by the day of the response",
    dimensions: ["all", "team"],
  },
  "tickets.sla": {
    description:
      "SLA targets met and breached (`met`, `breached`, and per target `firstResponse.met`, …), by the day the clock stopped or breached",
    dimensions: ["all", "team"],
  },
  "csat.received": {
    description:
      "Satisfaction ratings (count, `sum` of ratings, `count.<rating>`), by the day they were received",
    dimensions: ["all", "team"],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricId = keyof typeof METRICS;
export const METRIC_IDS = Object.keys(METRICS) as MetricId[];

export const isMetricId = (value: string): value is MetricId => Object.hasOwn(METRICS, value);

/**
 * Gauges: levels rather than flows, kept current by events and photographed by the scheduled
 * rollup (a snapshot per day). `pipeline.open` is the open deals (count, `amount.<currency>`) of
 * each stage of each pipeline.
 */
export const GAUGES = ["pipeline.open"] as const;
export type GaugeId = (typeof GAUGES)[number];

/** A metric's or a derived family's figures for one bucket and dimension value. */
export type Measures = Readonly<Record<string, number>>;
