import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { projectRoot } from "#infra/project-root";
import type { BudgetCheck } from "./budgets.ts";
import {
  BUDGETS,
  COLD_START_BUDGET_MS,
  coldStartChecks,
  costChecks,
  SCALE_RATIO_BUDGET,
  scaleChecks,
  WARM_RATIO_BUDGET,
  warmLatencyChecks,
} from "./budgets.ts";
import type { ColdStartResult } from "./cold-start.ts";
import type { CostResult } from "./dynamodb-cost.ts";
import type { ThroughputFigure } from "./http-throughput.ts";
import type { ScaleResult } from "./scale.ts";
import type { WorkerReport } from "./warm-latency-worker.ts";

/**
 * Turns the results into the markdown tables `npm run bench` prints, `bench/results.json`, and
 * the figures section of `docs/performance.md`. The section sits between two marker comments;
 * everything outside them (the method) is written by hand and left alone.
 */
export interface BenchResults {
  readonly generatedAt: string;
  readonly machine: {
    readonly node: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly platform: string;
  };
  readonly durationSeconds: number;
  readonly coldStart: ColdStartResult;
  readonly warmLatency: WorkerReport;
  readonly http: readonly ThroughputFigure[];
  readonly cost: CostResult;
  readonly scale: ScaleResult;
}

export const RESULTS_FILE = join(projectRoot, "bench", "results.json");
export const PERFORMANCE_DOC = join(projectRoot, "docs", "performance.md");
export const FIGURES_START = "<!-- bench:figures:start -->";
export const FIGURES_END = "<!-- bench:figures:end -->";

const PASS = "✅ pass";
const FAIL = "❌ fail";
const status = (pass: boolean) => (pass ? PASS : FAIL);
const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(1)}`;
const units = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** A markdown table; pipes in cells are escaped so a label cannot break the layout. */
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
};

export const allChecks = (results: BenchResults): BudgetCheck[] => [
  ...coldStartChecks(results.coldStart),
  ...warmLatencyChecks(results.warmLatency.result),
  ...costChecks(results.cost),
  ...scaleChecks(results.scale),
];

const coldStartSection = (result: ColdStartResult) => {
  const rows = result.figures.map((f) => {
    const isFunction = f.kind === "function";
    return [
      f.name,
      kb(f.bytes),
      kb(f.gzipBytes),
      ms(f.initMs),
      signed(f.aboveEmptyMs),
      signed(f.aboveDynamoDBMs),
      isFunction ? `≤ +${COLD_START_BUDGET_MS} ms over DynamoDB floor` : "floor",
      isFunction ? status(f.aboveDynamoDBMs <= COLD_START_BUDGET_MS) : "—",
    ];
  });
  return [
    `### Cold start (median of ${result.iterations} fresh Node 24 processes per bundle)`,
    "",
    table(
      [
        "bundle",
        "minified",
        "gzip",
        "module init",
        "Δ empty (ms)",
        "Δ DynamoDB client (ms)",
        "budget",
        "result",
      ],
      rows,
    ),
  ].join("\n");
};

const warmSection = (report: WorkerReport) => {
  const { result } = report;
  return [
    `### Warm latency (in process, DynamoDB Local, ${result.iterations} calls each, interleaved with the floor)`,
    "",
    table(
      [
        "route",
        "handler p50",
        "handler p99",
        "floor",
        "floor p50",
        "floor p99",
        "p50 ratio",
        "p99 ratio",
        "budget",
        "result",
      ],
      result.figures.map((f) => [
        f.route,
        ms(f.handler.p50, 2),
        ms(f.handler.p99, 2),
        f.floor,
        ms(f.raw.p50, 2),
        ms(f.raw.p99, 2),
        f.ratioP50.toFixed(2),
        f.ratioP99.toFixed(2),
        `p50 ratio ≤ ${WARM_RATIO_BUDGET}`,
        status(f.ratioP50 <= WARM_RATIO_BUDGET),
      ]),
    ),
    "",
    "### Memory (the process that served the warm latency run)",
    "",
    table(
      ["figure", "value", "budget"],
      [
        ["peak RSS", mib(report.peakRssBytes), "—"],
        [
          "RSS before the handler modules loaded (Node, tsx, bench code)",
          mib(report.rssBeforeHandlersBytes),
          "—",
        ],
        ["RSS right after they loaded", mib(report.rssAfterHandlersBytes), "—"],
      ],
    ),
  ].join("\n");
};

const httpSection = (figures: readonly ThroughputFigure[]) =>
  [
    "### HTTP throughput of the local runtime (autocannon, 127.0.0.1)",
    "",
    table(
      [
        "request",
        "connections",
        "duration",
        "requests/s",
        "p50",
        "p99",
        "requests",
        "non-2xx",
        "errors",
        "budget",
      ],
      figures.map((f) => [
        f.label,
        String(f.connections),
        `${f.seconds} s`,
        f.requestsPerSecond.toFixed(0),
        ms(f.latencyP50Ms, 0),
        ms(f.latencyP99Ms, 0),
        String(f.requests),
        String(f.non2xx),
        String(f.errors),
        "— (reported)",
      ]),
    ),
  ].join("\n");

const costSection = (result: CostResult) => {
  const rows = result.figures.map((f) => [
    f.label,
    f.description,
    units(f.readUnits),
    units(f.writeUnits),
    String(f.scans),
    BUDGETS[f.budget],
    status(f.pass),
    f.note ?? "",
  ]);
  rows.push([
    "all routes",
    `${result.scans} Scans`,
    "",
    "",
    String(result.scans),
    "0 Scans",
    status(result.scans === 0),
    "",
  ]);
  rows.push([
    "route table coverage",
    result.uncovered.length === 0 ? "every route measured" : result.uncovered.join(", "),
    "",
    "",
    "",
    "every route",
    status(result.uncovered.length === 0),
    "",
  ]);
  return [
    "### DynamoDB cost per API operation (requests and capacity units, DynamoDB Local)",
    "",
    table(["operation", "requests", "RCU", "WCU", "Scans", "budget", "result", "why"], rows),
  ].join("\n");
};

const scaleSection = (result: ScaleResult) => {
  const [small, large] = [result.loads[0], result.loads[1]];
  const loaded = result.loads
    .map((l) => `${l.contacts} contacts (${l.items} items) in ${l.seconds.toFixed(1)} s`)
    .join("; ");
  return [
    `### Scale (${result.iterations} calls per list and size, interleaved across two tables)`,
    "",
    `Loaded with BatchWriteItem in the stored shape: ${loaded}.`,
    "",
    table(
      [
        "list",
        `requests at ${small?.contacts ?? "?"}`,
        `requests at ${large?.contacts ?? "?"}`,
        "RCU (small / large)",
        "page items",
        "p50 small",
        "p50 large",
        "p99 small",
        "p99 large",
        "p50 ratio",
        "raw Query p50 small / large (ratio)",
        "budget",
        "result",
      ],
      result.figures.map((f) => [
        f.list,
        f.small.requestMixes.join(" / "),
        f.large.requestMixes.join(" / "),
        `${units(f.small.readUnits)} / ${units(f.large.readUnits)}`,
        `${f.small.pageItems} / ${f.large.pageItems}`,
        ms(f.small.latency.p50, 2),
        ms(f.large.latency.p50, 2),
        ms(f.small.latency.p99, 2),
        ms(f.large.latency.p99, 2),
        f.ratioP50.toFixed(2),
        `${ms(f.small.rawLatency.p50, 2)} / ${ms(f.large.rawLatency.p50, 2)} (${f.rawRatioP50.toFixed(2)})`,
        `identical requests, p50 ratio ≤ ${SCALE_RATIO_BUDGET}`,
        status(f.identicalRequests && f.ratioP50 <= SCALE_RATIO_BUDGET),
      ]),
    ),
  ].join("\n");
};

const summarySection = (results: BenchResults) => {
  const checks = allChecks(results);
  const failed = checks.filter((c) => !c.pass);
  return [
    "### Budgets",
    "",
    `${checks.length - failed.length} of ${checks.length} budgets pass.`,
    ...(failed.length === 0
      ? []
      : [
          "",
          table(
            ["area", "subject", "measured", "budget"],
            failed.map((c) => [c.area, c.subject, c.measured, c.budget]),
          ),
        ]),
  ].join("\n");
};

/** The figures, as markdown: printed by `npm run bench` and kept in docs/performance.md. */
export const renderFigures = (results: BenchResults): string =>
  [
    `Run of ${results.generatedAt} on ${results.machine.cpus} × ${results.machine.cpuModel}, ` +
      `Node ${results.machine.node} (${results.machine.platform}); the whole run took ` +
      `${results.durationSeconds.toFixed(0)} s.`,
    "",
    summarySection(results),
    "",
    coldStartSection(results.coldStart),
    "",
    warmSection(results.warmLatency),
    "",
    httpSection(results.http),
    "",
    costSection(results.cost),
    "",
    scaleSection(results.scale),
  ].join("\n");

export const writeResults = async (results: BenchResults): Promise<void> => {
  const checks = allChecks(results);
  await writeFile(RESULTS_FILE, `${JSON.stringify({ ...results, budgets: checks }, null, 2)}\n`);
};

/** Replaces what is between the markers of docs/performance.md with `figures`. */
export const rewriteFiguresSection = (document: string, figures: string): string => {
  const start = document.indexOf(FIGURES_START);
  const end = document.indexOf(FIGURES_END);
  if (start < 0 || end < start) {
    throw new Error(`${PERFORMANCE_DOC} lacks the ${FIGURES_START} … ${FIGURES_END} markers`);
  }
  return `${document.slice(0, start + FIGURES_START.length)}\n\n${figures}\n\n${document.slice(end)}`;
};

export const updatePerformanceDoc = async (figures: string): Promise<void> => {
  const document = await readFile(PERFORMANCE_DOC, "utf8");
  await writeFile(PERFORMANCE_DOC, rewriteFiguresSection(document, figures));
};
