/**
 * `npm run bench`: every benchmark of issue 8, in an order that keeps them from disturbing each
 * other, then one report. The cold start runs first, before DynamoDB Local's JVM is up; the
 * warm latency gets a process of its own (its memory is a figure); the deterministic cost count
 * comes before the timed HTTP and scale runs; the 50,000-contact load comes last.
 *
 * `--strict` makes a failed budget exit non-zero, for a gate; by default the run reports.
 */
// Only modules that load no handler code are imported statically: lib/db/client.ts reads the
// DynamoDB endpoint once, when first loaded, and DynamoDB Local is not up yet.
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { buildBundles } from "./bundles.ts";
import { measureColdStart } from "./cold-start.ts";
import { createBenchTable, pointHandlersAt, startBenchDatabase } from "./dynamodb.ts";
import {
  allChecks,
  type BenchResults,
  renderFigures,
  updatePerformanceDoc,
  writeResults,
} from "./report.ts";
import { runWarmLatencyProcess } from "./warm-latency-process.ts";

const settings = {
  coldStartIterations: 12,
  warmIterations: 1000,
  warmWarmup: 50,
  httpConnections: 10,
  httpSeconds: 6,
  httpWarmupSeconds: 1,
  scaleSizes: [1000, 50_000] as const,
  scaleIterations: 150,
  scaleWarmup: 20,
};

const started = performance.now();
const step = (message: string) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${message}`);
const run = randomBytes(3).toString("hex");

// The report is the output; the local runtime's recorders log every event at INFO. A request
// that succeeds logs nothing at INFO or WARN, so the timed paths are the same either way.
process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";

step("bundling every function as the CDK does");
const bundles = await buildBundles();
step(`cold start: ${bundles.length} bundles × ${settings.coldStartIterations} processes`);
const coldStart = await measureColdStart(bundles, settings.coldStartIterations);

step("starting DynamoDB Local (in memory)");
let database = await startBenchDatabase();
try {
  step(`warm latency: ${settings.warmIterations} calls per route, in its own process`);
  const warmLatency = await runWarmLatencyProcess(
    database.endpoint,
    settings.warmIterations,
    settings.warmWarmup,
  );

  // From here the handlers run in this process: point them at DynamoDB Local before any
  // handler module is imported (lib/db/client.ts reads the endpoint once, when loaded).
  pointHandlersAt(database.endpoint, await createBenchTable(database.client, "cost"));
  const { documentClient } = await import("#lib/db/client");
  const { loadHandlers } = await import("./handlers.ts");
  const { installRequestMeter } = await import("./request-meter.ts");
  const { measureDynamoDBCost } = await import("./dynamodb-cost.ts");
  const { measureHttpThroughput } = await import("./http-throughput.ts");
  const { measureScale } = await import("./scale.ts");
  const handlers = await loadHandlers();
  const meter = installRequestMeter(documentClient);

  step("DynamoDB cost of every route");
  const cost = await measureDynamoDBCost(handlers, meter, run);

  // DynamoDB Local's writes slow down with the data already in its other tables (loading 4,000
  // contacts into a third table is about 8 times slower than into the first), so the timed runs
  // that write get a fresh, empty instance on the same port, which the loaded handlers still use.
  const restart = async () => {
    await database.stop();
    database = await startBenchDatabase({ port: database.port });
  };
  step("restarting DynamoDB Local empty for the HTTP run");
  await restart();
  step(`HTTP throughput: ${settings.httpConnections} connections, ${settings.httpSeconds} s each`);
  const http = await measureHttpThroughput({
    dynamoEndpoint: database.endpoint,
    tableName: `bench-http-${run}`,
    connections: settings.httpConnections,
    seconds: settings.httpSeconds,
    warmupSeconds: settings.httpWarmupSeconds,
  });

  step("restarting DynamoDB Local empty for the scale run");
  await restart();
  step(`scale: loading ${settings.scaleSizes.join(" and ")} contacts, then the lists`);
  const scale = await measureScale(handlers, meter, database.client, {
    sizes: settings.scaleSizes,
    iterations: settings.scaleIterations,
    warmup: settings.scaleWarmup,
    run,
  });
  meter.uninstall();

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    machine: {
      node: process.versions.node,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU",
      platform: `${process.platform} ${process.arch}`,
    },
    durationSeconds: (performance.now() - started) / 1000,
    coldStart,
    warmLatency,
    http,
    cost,
    scale,
  };
  const figures = renderFigures(results);
  console.log(figures);
  await writeResults(results);
  await updatePerformanceDoc(figures);
  step("wrote bench/results.json and the figures of docs/performance.md");
  const failed = allChecks(results).filter((c) => !c.pass).length;
  if (failed > 0 && process.argv.includes("--strict")) process.exitCode = 1;
} finally {
  await database.stop();
}
