import type { ActivityType } from "#lib/activities/schema";
import type { DerivedFamilyId } from "#lib/analytics/derived";
import type { Measures, MetricId } from "#lib/analytics/metrics";
import type { GroupBy, ReportName, Unit } from "#lib/reports/schema";

/**
 * The reports, declared: which rollup items each reads (its sources), which groupings it takes,
 * and the series it draws from them. `service.ts` does the reading and the arithmetic for all
 * of them alike.
 */
export type Source =
  | { readonly kind: "counter"; readonly metric: MetricId }
  | { readonly kind: "derived"; readonly family: DerivedFamilyId };

/** The figures of one bucket: per source, its summed measures (and a derived family's ratios). */
export type SourceMeasures = Readonly<Record<string, Measures>>;

export interface SeriesSpec {
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  readonly currency?: string;
  readonly value: (figures: SourceMeasures) => number | undefined;
}

export interface ReportDefinition {
  readonly name: ReportName;
  readonly description: string;
  readonly groupBys: readonly GroupBy[];
  readonly defaultGroupBy: GroupBy;
  readonly sources: Readonly<Record<string, Source>>;
  /** Every measure name found per source, for series per currency. */
  readonly series: (present: Readonly<Record<string, ReadonlySet<string>>>) => SeriesSpec[];
  /** The pipeline report adds the snapshots of the open pipeline (see `service.ts`). */
  readonly snapshots?: boolean;
  /** Dimension buckets in this order (a leaderboard's ranking); by label otherwise. */
  readonly rank?: readonly string[];
}

const measure =
  (source: string, name: string) =>
  (figures: SourceMeasures): number | undefined =>
    figures[source]?.[name];

/** `won.EUR`, `won.USD` -> `["EUR", "USD"]`. */
export const currenciesIn = (names: ReadonlySet<string> | undefined, prefix: string): string[] =>
  [...(names ?? [])]
    .filter((name) => name.startsWith(prefix) && /^[A-Z]{3}$/.test(name.slice(prefix.length)))
    .map((name) => name.slice(prefix.length))
    .sort();

const money =
  (source: string, prefix: string, key: string, label: string) =>
  (present: Readonly<Record<string, ReadonlySet<string>>>): SeriesSpec[] =>
    currenciesIn(present[source], prefix).map((currency) => ({
      key: `${key}.${currency}`,
      label: `${label} (${currency})`,
      unit: "money",
      currency,
      value: measure(source, `${prefix}${currency}`),
    }));

const count = (source: string, name: string, key: string, label: string): SeriesSpec => ({
  key,
  label,
  unit: "count",
  value: measure(source, name),
});

const of = (source: string, name: string, key: string, label: string, unit: Unit): SeriesSpec => ({
  key,
  label,
  unit,
  value: measure(source, name),
});

const salesSeries = (present: Readonly<Record<string, ReadonlySet<string>>>): SeriesSpec[] => [
  count("sales", "won", "won", "Deals won"),
  count("sales", "lost", "lost", "Deals lost"),
  ...money("sales", "won.", "wonAmount", "Won")(present),
  of("sales", "winRate", "winRate", "Win rate", "ratio"),
  of("sales", "averageSalesCycleSeconds", "averageSalesCycle", "Average sales cycle", "seconds"),
];

/**
 * Typed by the activity types (a new type must be labelled here) but only imported as a type: the
 * activities schema would bring the contacts, companies, leads and tickets schemas into the
 * reports bundle. The series follow this order, which is the schema's.
 */
const ACTIVITY_LABELS: Readonly<Record<ActivityType, string>> = {
  email: "Emails",
  call: "Calls",
  meeting: "Meetings",
  note: "Notes",
  social: "Social messages",
};

export const REPORT_DEFINITIONS: Readonly<Record<ReportName, ReportDefinition>> = {
  pipeline: {
    name: "pipeline",
    description:
      "Open pipeline by stage (count and value per currency, as snapshotted at the end of each bucket), win rate and average sales cycle",
    groupBys: ["day", "week", "month", "pipeline"],
    defaultGroupBy: "week",
    sources: { sales: { kind: "derived", family: "sales" } },
    snapshots: true,
    series: (present) => [
      count("sales", "won", "won", "Deals won"),
      count("sales", "lost", "lost", "Deals lost"),
      ...salesSeries(present).filter((s) => s.unit === "ratio" || s.unit === "seconds"),
    ],
  },
  funnel: {
    name: "funnel",
    description: "Leads created, qualified and converted, and the conversion rates between them",
    groupBys: ["day", "week", "month", "source"],
    defaultGroupBy: "week",
    sources: { funnel: { kind: "derived", family: "funnel" } },
    series: () => [
      count("funnel", "created", "created", "Leads created"),
      count("funnel", "qualified", "qualified", "Leads qualified"),
      count("funnel", "converted", "converted", "Leads converted"),
      of("funnel", "qualificationRate", "qualificationRate", "Qualified / created", "ratio"),
      of("funnel", "conversionRate", "conversionRate", "Converted / created", "ratio"),
      of(
        "funnel",
        "qualifiedConversionRate",
        "qualifiedConversionRate",
        "Converted / qualified",
        "ratio",
      ),
    ],
  },
  revenue: {
    name: "revenue",
    description: "Won deals and won revenue per currency, by the day deals were won",
    groupBys: ["day", "week", "month", "owner", "team", "pipeline"],
    defaultGroupBy: "month",
    sources: { won: { kind: "counter", metric: "deals.won" } },
    series: (present) => [
      count("won", "count", "won", "Deals won"),
      ...money("won", "amount.", "wonAmount", "Won")(present),
    ],
  },
  activities: {
    name: "activities",
    description: "Activities logged, in total and by type, by the day they occurred",
    groupBys: ["day", "week", "month", "owner", "team"],
    defaultGroupBy: "week",
    sources: { activities: { kind: "counter", metric: "activities.logged" } },
    series: () => [
      count("activities", "count", "total", "Activities"),
      ...Object.entries(ACTIVITY_LABELS).map(([type, label]) =>
        count("activities", `count.${type}`, type, label),
      ),
    ],
  },
  support: {
    name: "support",
    description: "Tickets opened and solved, average first-response and resolution times",
    groupBys: ["day", "week", "month", "team"],
    defaultGroupBy: "week",
    sources: { support: { kind: "derived", family: "support" } },
    series: () => [
      count("support", "opened", "opened", "Tickets opened"),
      count("support", "solved", "solved", "Tickets solved"),
      of(
        "support",
        "averageFirstResponseSeconds",
        "averageFirstResponse",
        "Average first response",
        "seconds",
      ),
      of(
        "support",
        "averageResolutionSeconds",
        "averageResolution",
        "Average resolution",
        "seconds",
      ),
    ],
  },
  sla: {
    name: "sla",
    description: "SLA targets met and breached, and compliance, overall and per target",
    groupBys: ["day", "week", "month", "team"],
    defaultGroupBy: "week",
    sources: { sla: { kind: "derived", family: "sla" } },
    series: () => [
      count("sla", "met", "met", "Targets met"),
      count("sla", "breached", "breached", "Targets breached"),
      of("sla", "compliance", "compliance", "SLA compliance", "ratio"),
      of(
        "sla",
        "firstResponse.compliance",
        "firstResponseCompliance",
        "First response compliance",
        "ratio",
      ),
      of("sla", "resolution.compliance", "resolutionCompliance", "Resolution compliance", "ratio"),
    ],
  },
  satisfaction: {
    name: "satisfaction",
    description:
      "Satisfaction ratings (1–5): responses, average rating, share of 4s and 5s, and count per rating",
    groupBys: ["day", "week", "month", "team"],
    defaultGroupBy: "week",
    sources: { csat: { kind: "derived", family: "satisfaction" } },
    series: () => [
      count("csat", "responses", "responses", "Responses"),
      of("csat", "averageRating", "averageRating", "Average rating", "rating"),
      of("csat", "satisfactionRate", "satisfactionRate", "Satisfied (4 or 5)", "ratio"),
      ...[1, 2, 3, 4, 5].map((rating) =>
        count("csat", `rating.${rating}`, `rating${rating}`, `Rated ${rating}`),
      ),
    ],
  },
  leaderboard: {
    name: "leaderboard",
    description:
      "Per owner (or team): deals won and lost, won revenue, win rate, activities logged, tickets solved and contacts created, ranked by deals won",
    groupBys: ["owner", "team"],
    defaultGroupBy: "owner",
    sources: {
      sales: { kind: "derived", family: "sales" },
      activities: { kind: "counter", metric: "activities.logged" },
      solved: { kind: "counter", metric: "tickets.solved" },
      contacts: { kind: "counter", metric: "contacts.created" },
    },
    series: (present) => [
      ...salesSeries(present).filter((s) => s.key !== "averageSalesCycle"),
      count("activities", "count", "activities", "Activities"),
      count("solved", "count", "ticketsSolved", "Tickets solved"),
      count("contacts", "count", "contacts", "Contacts created"),
    ],
    rank: ["won", "activities", "ticketsSolved"],
  },
};
