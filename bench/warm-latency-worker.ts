/**
 * The process that serves the warm latency run (started by `warm-latency-process.ts`). It holds
 * nothing but the handlers and the raw calls, so its peak RSS is the memory figure of the
 * benchmark: what a function instance needs while serving requests.
 *
 * Arguments: the DynamoDB endpoint, then the iterations and the warm-up rounds.
 */
import type { WarmLatencyResult } from "./warm-latency.ts";

export interface WorkerReport {
  readonly result: WarmLatencyResult;
  /** After the benchmark's own code (and tsx) loaded, before any handler module did. */
  readonly rssBeforeHandlersBytes: number;
  readonly rssAfterHandlersBytes: number;
  /** `maxRSS` of this process: the peak over its whole life. */
  readonly peakRssBytes: number;
}

const [endpoint, iterations = "1000", warmup = "50"] = process.argv.slice(2);
if (!endpoint || !process.send) {
  throw new Error("Run by bench/warm-latency-process.ts, with the DynamoDB endpoint");
}

const { createBenchTable, pointHandlersAt, setupClient } = await import("./dynamodb.ts");
const client = setupClient(endpoint);
const tableName = await createBenchTable(client, "warm");
client.destroy();
// Before the handler modules load: lib/db/client.ts reads the endpoint when first imported.
pointHandlersAt(endpoint, tableName);

const rssBeforeHandlersBytes = process.memoryUsage().rss;
const { loadHandlers } = await import("./handlers.ts");
const { measureWarmLatency } = await import("./warm-latency.ts");
const handlers = await loadHandlers();
const rssAfterHandlersBytes = process.memoryUsage().rss;

const result = await measureWarmLatency(handlers, {
  iterations: Number(iterations),
  warmup: Number(warmup),
  run: tableName,
});
const report: WorkerReport = {
  result,
  rssBeforeHandlersBytes,
  rssAfterHandlersBytes,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
};
process.send(report, () => process.disconnect());
