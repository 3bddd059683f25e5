import { REPORT_DEFINITIONS } from "#lib/reports/definitions";
import { REPORTS } from "#lib/reports/schema";
import type { CostScenario } from "./route-scenarios.ts";

/**
 * The report route's cost scenarios: every report in its default grouping, plus the groupings
 * that read differently (by team, by pipeline). A report reads rollup items only: the directory
 * (1 GetItem) and one Query per source it declares, plus one of the pipeline snapshots; how much
 * data the rollups summarise does not change that (test/reports/reports.test.ts holds it over ten
 * times the data). A CSV export reads the same.
 */
const RANGE = { from: "2026-01-01", to: "2026-03-31" };

const queriesOf = (name: (typeof REPORTS)[number]) =>
  Object.keys(REPORT_DEFINITIONS[name].sources).length +
  (REPORT_DEFINITIONS[name].snapshots ? 1 : 0);

const scenario = (name: (typeof REPORTS)[number], groupBy?: string): CostScenario => ({
  id: groupBy ? `getReport.${name}.${groupBy}` : `getReport.${name}`,
  operationId: "getReport",
  label: `GET /reports/${name}${groupBy ? `?groupBy=${groupBy}` : ""}`,
  budget: "report",
  expectStatus: 200,
  prepare: async () => ({
    routeKey: "GET /reports/{report}",
    pathParameters: { report: name },
    query: { ...RANGE, ...(groupBy ? { groupBy } : {}) },
  }),
  note: `The directory (GetItem) and ${queriesOf(name)} Query: one per rollup partition the report reads.`,
});

export const reportScenarios: readonly CostScenario[] = [
  ...REPORTS.map((name) => scenario(name)),
  scenario("revenue", "team"),
  scenario("pipeline", "pipeline"),
];
