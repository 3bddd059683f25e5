import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { loadSigningKey, mintToken } from "#local/auth";
import { startLocalRuntime } from "#local/runtime";

/**
 * Throughput of the local runtime (`npm start`): its HTTP server, the local JWT check, the
 * handler and DynamoDB Local, all on this machine. autocannon runs in a worker thread, so the
 * load it makes does not share the server's event loop; it only talks to 127.0.0.1 and stops by
 * itself after `seconds`.
 */
export interface ThroughputFigure {
  readonly label: string;
  readonly connections: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface ThroughputOptions {
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly connections: number;
  readonly seconds: number;
  /** A short unmeasured run first: handler modules, JIT, connection pools. */
  readonly warmupSeconds: number;
}

interface Load {
  readonly label: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
}

/** POSTs carry no email: thousands of identical bodies must not collide on the email guard. */
const LOADS: readonly Load[] = [
  { label: "GET /contacts", method: "GET", path: "/contacts" },
  {
    label: "POST /contacts",
    method: "POST",
    path: "/contacts",
    body: JSON.stringify({ firstName: "Load", lastName: "Test", tags: ["load"] }),
  },
];

const fire = (url: string, load: Load, token: string, connections: number, seconds: number) =>
  autocannon({
    url: `${url}${load.path}`,
    method: load.method,
    connections,
    duration: seconds,
    workers: 1,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(load.body ? { body: load.body } : {}),
  });

export const measureHttpThroughput = async (
  options: ThroughputOptions,
): Promise<ThroughputFigure[]> => {
  const dataDir = await mkdtemp(join(tmpdir(), "crm-bench-"));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    dynamoPort: 0,
    dynamoEndpoint: options.dynamoEndpoint,
    tableName: options.tableName,
    quiet: true,
  });
  try {
    const key = await loadSigningKey(dataDir);
    const token = await mintToken(key, {
      userId: "bench-user",
      roles: ["admin"],
      ttlSeconds: 3600,
    });
    const figures: ThroughputFigure[] = [];
    for (const load of LOADS) {
      if (options.warmupSeconds > 0) {
        await fire(runtime.url, load, token, options.connections, options.warmupSeconds);
      }
      const result = await fire(runtime.url, load, token, options.connections, options.seconds);
      figures.push({
        label: load.label,
        connections: options.connections,
        seconds: options.seconds,
        requestsPerSecond: result.requests.average,
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      });
    }
    return figures;
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};
