import type { ColdStartResult } from "./cold-start.ts";
import type { CostResult } from "./dynamodb-cost.ts";
import type { RequestTally } from "./request-meter.ts";
import type { BudgetKind } from "./route-scenarios.ts";
import type { ScaleResult } from "./scale.ts";
import type { WarmLatencyResult } from "./warm-latency.ts";

/**
 * Every budget of the benchmark, as one flat list: what was measured, the limit, and whether it
 * held. The limits are ratios or differences against floors measured in the same run, never
 * absolute times, because these machines are noisy.
 *
 * Only types are imported from the benchmarks here: `bench/run.ts` loads this module before
 * DynamoDB Local is up, and a handler module loaded that early would talk to AWS instead.
 */
export const COLD_START_BUDGET_MS = 15;
export const WARM_RATIO_BUDGET = 1.3;
export const SCALE_RATIO_BUDGET = 1.2;

export const BUDGETS: Readonly<Record<BudgetKind, string>> = {
  read: "≤ 1 request",
  list: "1 Query per page",
  create: "1 request (or 1 transaction)",
  write: "1 request (or 1 transaction)",
  report: "1 GetItem + ≤ 5 Queries, whatever the data",
};

export const meetsBudget = (budget: BudgetKind, tally: RequestTally): boolean => {
  if ((tally.requests.Scan ?? 0) > 0) return false;
  switch (budget) {
    case "read":
      return tally.total <= 1;
    case "list":
      return tally.total === 1 && tally.requests.Query === 1;
    case "create":
    case "write":
      // One write request, which for a record with guard or facet items is its transaction.
      return tally.total === 1;
    case "report": {
      // The rollup directory, then one Query per partition the report reads (lib/reports).
      const queries = tally.requests.Query ?? 0;
      return tally.requests.GetItem === 1 && queries <= 5 && tally.total === 1 + queries;
    }
  }
};

export interface BudgetCheck {
  readonly area: "cold start" | "warm latency" | "DynamoDB cost" | "scale";
  readonly subject: string;
  readonly measured: string;
  readonly budget: string;
  readonly pass: boolean;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

export const coldStartChecks = (result: ColdStartResult): BudgetCheck[] =>
  result.figures
    .filter((f) => f.kind === "function")
    .map((f) => ({
      area: "cold start",
      subject: f.name,
      measured: `${f.aboveDynamoDBMs >= 0 ? "+" : ""}${ms(f.aboveDynamoDBMs)} over the DynamoDB client floor`,
      budget: `≤ +${COLD_START_BUDGET_MS} ms`,
      pass: f.aboveDynamoDBMs <= COLD_START_BUDGET_MS,
    }));

export const warmLatencyChecks = (result: WarmLatencyResult): BudgetCheck[] =>
  result.figures.map((f) => ({
    area: "warm latency",
    subject: f.route,
    measured: `p50 ratio ${f.ratioP50.toFixed(2)} to ${f.floor}`,
    budget: `≤ ${WARM_RATIO_BUDGET}`,
    pass: f.ratioP50 <= WARM_RATIO_BUDGET,
  }));

export const costChecks = (result: CostResult): BudgetCheck[] => [
  ...result.figures.map(
    (f): BudgetCheck => ({
      area: "DynamoDB cost",
      subject: f.label,
      measured: f.description,
      budget: BUDGETS[f.budget],
      pass: f.pass,
    }),
  ),
  {
    area: "DynamoDB cost",
    subject: "every route",
    measured: `${result.scans} Scans`,
    budget: "0 Scans",
    pass: result.scans === 0,
  },
  {
    area: "DynamoDB cost",
    subject: "route table coverage",
    measured:
      result.uncovered.length === 0
        ? "every route measured"
        : `not measured: ${result.uncovered.join(", ")}`,
    budget: "every route",
    pass: result.uncovered.length === 0,
  },
];

export const scaleChecks = (result: ScaleResult): BudgetCheck[] =>
  result.figures.flatMap((f): BudgetCheck[] => [
    {
      area: "scale",
      subject: `${f.list}: requests`,
      measured: `${f.small.requestMixes.join(" / ")} at ${f.small.contacts}, ${f.large.requestMixes.join(" / ")} at ${f.large.contacts}`,
      budget: "identical",
      pass: f.identicalRequests,
    },
    {
      area: "scale",
      subject: `${f.list}: latency`,
      measured: `p50 ratio ${f.ratioP50.toFixed(2)} (${f.large.contacts} vs ${f.small.contacts})`,
      budget: `≤ ${SCALE_RATIO_BUDGET}`,
      pass: f.ratioP50 <= SCALE_RATIO_BUDGET,
    },
  ]);
