import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LOCAL_HOST } from "#local/http-server";

/** A local AWS endpoint: where it listens, and how to stop it. */
export interface LocalAwsEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The framing of the AWS JSON protocols (1.0 for Step Functions, 1.1 for EventBridge) that the
 * local AWS endpoints speak to the unchanged SDK clients: JSON bodies, errors named by `__type`,
 * a request id, and a bounded request size.
 */
export interface AwsJsonProtocol {
  send(response: ServerResponse, status: number, body: unknown): void;
  /** An error: the SDK reads `__type` as the exception's name. */
  fail(response: ServerResponse, status: number, type: string, message: string): void;
  /** The body as text, or undefined when it is larger than the protocol's limit. */
  readBody(request: IncomingMessage): Promise<string | undefined>;
  /** Serves `handle` on loopback (`port` 0: any free one); a throw becomes a 500. */
  serve(
    handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
    port: number,
  ): Promise<LocalAwsEndpoint>;
}

export const awsJsonProtocol = (contentType: string, maxRequestBytes: number): AwsJsonProtocol => {
  const send = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      "content-type": contentType,
      "content-length": Buffer.byteLength(text),
      "x-amzn-requestid": crypto.randomUUID(),
    });
    response.end(text);
  };
  const fail: AwsJsonProtocol["fail"] = (response, status, type, message) =>
    send(response, status, { __type: type, message });
  return {
    send,
    fail,
    readBody: (request) =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        request.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxRequestBytes) chunks.push(chunk);
        });
        request.on("end", () =>
          resolve(size > maxRequestBytes ? undefined : Buffer.concat(chunks).toString("utf8")),
        );
        request.on("error", reject);
      }),
    serve: (handle, port) =>
      new Promise((resolve, reject) => {
        const server = createServer((request, response) => {
          handle(request, response).catch((error: unknown) =>
            fail(
              response,
              500,
              "InternalException",
              error instanceof Error ? error.message : "error",
            ),
          );
        });
        server.once("error", reject);
        server.listen(port, LOCAL_HOST, () => {
          const address = server.address() as AddressInfo;
          resolve({
            url: `http://${LOCAL_HOST}:${address.port}`,
            close: () =>
              new Promise<void>((resolveClose) => {
                server.close(() => resolveClose());
                server.closeAllConnections();
              }),
          });
        });
      }),
  };
};
