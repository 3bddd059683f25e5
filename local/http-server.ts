import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildApiEvent, newRequestId } from "#local/api-gateway-event";
import { bearerChallenge, type LocalSigningKey, verifyAuthorization } from "#local/auth";
import type { FunctionInvoker } from "#local/function-invoker";
import { invocationReply, problemReply, type Reply } from "#local/gateway-response";
import { createRouteMatcher } from "#local/route-matcher";
import { StartupError } from "#local/startup-error";

/**
 * The local API Gateway: a Node HTTP server on loopback that does what API Gateway does around
 * a Lambda integration, in the same order: refuse bodies over the 10 MB payload limit, match
 * the route table (404, 405), check the token like the JWT authorizer (401, before any handler
 * runs), build the payload 2.0 event, invoke the route's function, and turn its result into the
 * response. Each response carries `apigw-requestid`, and each request gets one log line.
 */

/** API Gateway HTTP APIs refuse request payloads over 10 MB. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Loopback only: the local API trusts tokens signed by a key that anyone here can read. */
export const LOCAL_HOST = "127.0.0.1";

export interface ServedRoute {
  readonly method: string;
  readonly path: string;
  readonly function: string;
  readonly operationId: string;
  /** `"none"`: a public route, served without a token check (see `RouteDeclaration.auth`). */
  readonly auth?: "jwt" | "none";
}

export interface HttpServerOptions {
  readonly routes: readonly ServedRoute[];
  readonly invoker: FunctionInvoker;
  readonly signingKey: LocalSigningKey;
  /** 0 picks a free port. */
  readonly port: number;
  /** One line per request; omit to keep quiet. */
  readonly log?: (line: string) => void;
  /** Function failures, with their errors; omit to keep quiet. */
  readonly logError?: (message: string, error: unknown) => void;
}

export interface LocalHttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const portInUse = (port: number) =>
  new StartupError(
    "port_in_use",
    `Port ${port} on ${LOCAL_HOST} is already in use; stop what uses it or choose another port`,
  );

type BodyRead = { readonly kind: "body"; readonly body: Buffer } | { readonly kind: "too_large" };

const readBody = (request: IncomingMessage): Promise<BodyRead> =>
  new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit, keep reading but drop the rest: answering before the client has sent
      // everything makes many clients report a reset connection instead of our 413.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on("end", () =>
      resolveBody(
        size > MAX_BODY_BYTES
          ? { kind: "too_large" }
          : { kind: "body", body: Buffer.concat(chunks) },
      ),
    );
    request.on("error", reject);
  });

const tooLarge = (requestId: string) =>
  problemReply(
    requestId,
    413,
    "request.body_too_large",
    `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
  );

type Outcome = Reply & { readonly routeKey?: string };

export const startHttpServer = async (options: HttpServerOptions): Promise<LocalHttpServer> => {
  const match = createRouteMatcher(options.routes);
  const report = options.logError ?? (() => undefined);

  const handle = async (
    request: IncomingMessage,
    requestId: string,
    receivedAt: Date,
  ): Promise<Outcome> => {
    const read = await readBody(request);
    if (read.kind === "too_large") return tooLarge(requestId);

    const method = request.method ?? "GET";
    const url = request.url ?? "/";
    const rawPath = url.split("?")[0] ?? "/";
    const matched = match(method, rawPath);
    if (matched.kind === "not_found") {
      return problemReply(
        requestId,
        404,
        "route.not_found",
        `No route matches ${method} ${rawPath}.`,
      );
    }
    if (matched.kind === "method_not_allowed") {
      const allow = matched.allow.join(", ");
      const detail = `${rawPath} does not support ${method}; it supports ${allow}.`;
      const reply = problemReply(requestId, 405, "route.method_not_allowed", detail);
      return { ...reply, headers: { ...reply.headers, allow } };
    }

    const { route, pathParameters } = matched;
    const routeKey = `${route.method} ${route.path}`;
    // Every route of the CRM sits behind the JWT authorizer, as in the CDK stack, except a
    // public one, where API Gateway runs no authorizer and passes no claims, whatever is sent.
    const auth =
      route.auth === "none"
        ? ({ ok: true, authorizer: undefined } as const)
        : await verifyAuthorization(request.headers.authorization, options.signingKey, receivedAt);
    if (!auth.ok) {
      const detail =
        auth.reason === "missing"
          ? "A valid bearer token is required."
          : `A valid bearer token is required: ${auth.description}.`;
      const challenge = { "www-authenticate": bearerChallenge(auth) };
      return {
        ...problemReply(requestId, 401, "auth.unauthenticated", detail, challenge),
        routeKey,
      };
    }

    const event = buildApiEvent(
      {
        method,
        url,
        rawHeaders: request.rawHeaders,
        httpVersion: request.httpVersion,
        sourceIp: request.socket.remoteAddress ?? LOCAL_HOST,
        localPort: request.socket.localPort ?? 0,
        body: read.body,
      },
      {
        routeKey,
        pathParameters,
        ...(auth.authorizer ? { authorizer: auth.authorizer } : {}),
        requestId,
        receivedAt,
      },
    );
    const invocation = await options.invoker.invoke(route.function, event);
    const what = `${routeKey}: function ${route.function}`;
    return { ...invocationReply(invocation, requestId, what, report), routeKey };
  };

  const write = (response: ServerResponse, requestId: string, reply: Reply) => {
    response.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
    response.setHeader("apigw-requestid", requestId);
    response.end(reply.body);
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const requestId = newRequestId();
    const logLine = (status: number, routeKey: string | undefined) => {
      const ms = (performance.now() - started).toFixed(0);
      options.log?.(
        `${request.method} ${request.url} -> ${status} in ${ms} ms [${routeKey ?? "no route"}] ${requestId}`,
      );
    };
    handle(request, requestId, new Date()).then(
      (outcome) => {
        write(response, requestId, outcome);
        logLine(outcome.status, outcome.routeKey);
      },
      (error: unknown) => {
        // A bug of the runtime itself, not of a function.
        report(`${request.method} ${request.url}: the local runtime failed`, error);
        if (response.headersSent) response.destroy();
        else
          write(
            response,
            requestId,
            problemReply(requestId, 500, "internal", "The local runtime failed."),
          );
        logLine(500, undefined);
      },
    );
  };

  const server = createServer(onRequest);
  // `Expect: 100-continue` (curl sends it for large uploads): refuse an announced oversized
  // body before the client sends it, and let every other request go on as usual.
  server.on("checkContinue", (request: IncomingMessage, response: ServerResponse) => {
    const length = Number(request.headers["content-length"]);
    if (Number.isFinite(length) && length > MAX_BODY_BYTES) {
      const requestId = newRequestId();
      response.shouldKeepAlive = false;
      write(response, requestId, tooLarge(requestId));
      options.log?.(
        `${request.method} ${request.url} -> 413 (${length} bytes announced) ${requestId}`,
      );
      return;
    }
    response.writeContinue();
    onRequest(request, response);
  });

  await new Promise<void>((resolveListen, reject) => {
    const refuse = (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? portInUse(options.port) : error);
    server.once("error", refuse);
    server.listen({ port: options.port, host: LOCAL_HOST }, () => {
      server.off("error", refuse);
      server.on("error", (error) => report("The local HTTP server failed", error));
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${LOCAL_HOST}:${port}`,
    port,
    close: () => {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        // Idle keep-alive connections would hold close() open. Requests in flight get two
        // seconds to finish, then their connections are cut.
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      return closing;
    },
  };
};
