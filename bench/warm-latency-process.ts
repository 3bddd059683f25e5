import { fork } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "#infra/project-root";
import { NODE_24 } from "./cold-start.ts";
import type { WorkerReport } from "./warm-latency-worker.ts";

/**
 * Runs the warm latency benchmark in a process of its own, on Node 24, and returns its figures
 * with that process's memory. A separate process keeps the memory figure clean of the rest of
 * the benchmark (bundles, the HTTP run, 50,000 loaded contacts).
 */
export const runWarmLatencyProcess = (
  endpoint: string,
  iterations: number,
  warmup: number,
): Promise<WorkerReport> =>
  new Promise((resolveReport, reject) => {
    const child = fork(
      join(projectRoot, "bench", "warm-latency-worker.ts"),
      [endpoint, String(iterations), String(warmup)],
      {
        execPath: NODE_24,
        // tsx as a loader, rather than this process's own flags, which may not be tsx's.
        execArgv: ["--import", "tsx"],
        cwd: projectRoot,
        // The log level is left as in Lambda (Powertools' INFO): a request that succeeds logs
        // nothing at that level, so the figures include no logging the deployed code skips.
        env: process.env,
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      },
    );
    let report: WorkerReport | undefined;
    child.on("message", (message) => {
      report = message as WorkerReport;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (report) resolveReport(report);
      else reject(new Error(`The warm latency process ended (${signal ?? code}) without a report`));
    });
  });
