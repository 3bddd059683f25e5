import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP receiver on 127.0.0.1 for end-to-end tests: it records every request with its raw
 * body, and answers each path from a script of statuses (the last one repeats).
 */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number;
  /** When it arrived (epoch ms). */
  readonly at: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: readonly ReceivedRequest[];
  /** The statuses to answer on `path`, in order. */
  script(path: string, ...statuses: number[]): void;
  /** Resolves once `count` requests reached `path`. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export const startReceiver = async (): Promise<Receiver> => {
  const received: ReceivedRequest[] = [];
  const scripts = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const script = scripts.get(path) ?? [200];
      const seen = received.filter((r) => r.path === path).length;
      const status = script[Math.min(seen, script.length - 1)] ?? 200;
      received.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
        status,
      });
      response.writeHead(status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (path, ...statuses) => {
      scripts.set(path, statuses);
    },
    waitFor: async (path, count, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = received.filter((r) => r.path === path);
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) {
          throw new Error(
            `${path} received ${matching.length} of ${count} requests in ${timeoutMs} ms`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
