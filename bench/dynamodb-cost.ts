import { routeKey } from "#lib/http/route";
import { routes } from "#lib/wiring/routes";
import { meetsBudget } from "./budgets.ts";
import { callExpecting, type Handlers } from "./handlers.ts";
import { describeRequests, type RequestMeter } from "./request-meter.ts";
import {
  type BudgetKind,
  type CostScenario,
  costScenarios,
  createFixtures,
} from "./route-scenarios.ts";

/**
 * DynamoDB cost per API operation: for every route of the route table (and the variants that
 * take another access path), the requests by type and the capacity units consumed, against the
 * budget of its kind. Counts are deterministic, so they are checked exactly, not sampled.
 */
export interface CostFigure {
  readonly id: string;
  readonly operationId: string;
  readonly route: string;
  readonly label: string;
  readonly budget: BudgetKind;
  readonly requests: Readonly<Record<string, number>>;
  readonly description: string;
  readonly total: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly scans: number;
  readonly pass: boolean;
  readonly note: string | undefined;
}

export interface CostResult {
  readonly figures: readonly CostFigure[];
  /** Routes of the route table that no scenario calls: each one is a failure. */
  readonly uncovered: readonly string[];
  readonly scans: number;
}

const routeOf = new Map(routes.map((r) => [r.operationId, routeKey(r)]));

export const measureDynamoDBCost = async (
  handlers: Handlers,
  meter: RequestMeter,
  run: string,
  scenarios: readonly CostScenario[] = costScenarios,
): Promise<CostResult> => {
  const fixtures = createFixtures(handlers, run);
  const figures: CostFigure[] = [];
  for (const scenario of scenarios) {
    const request = await scenario.prepare(fixtures);
    const { tally } = await meter.measure(() =>
      callExpecting(handlers, request, scenario.expectStatus),
    );
    figures.push({
      id: scenario.id,
      operationId: scenario.operationId,
      route: routeOf.get(scenario.operationId) ?? "(not in the route table)",
      label: scenario.label,
      budget: scenario.budget,
      requests: tally.requests,
      description: describeRequests(tally),
      total: tally.total,
      readUnits: tally.readUnits,
      writeUnits: tally.writeUnits,
      scans: tally.requests.Scan ?? 0,
      pass: meetsBudget(scenario.budget, tally),
      note: scenario.note,
    });
  }
  const covered = new Set(scenarios.map((s) => s.operationId));
  return {
    figures,
    uncovered: routes.filter((r) => !covered.has(r.operationId)).map((r) => routeKey(r)),
    scans: figures.reduce((sum, f) => sum + f.scans, 0),
  };
};
