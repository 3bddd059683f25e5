import type { Context } from "aws-lambda";
import type { ApiEvent, ApiResult } from "#lib/http/api-event";
import { routeKey } from "#lib/http/route";
import { type FunctionName, functions, routes } from "#lib/wiring/index";
import { importHandler } from "#local/function-invoker";
import { apiEvent, lambdaContext } from "#test/support/api-gateway-event";

/**
 * The real Lambda handlers, called in process with API Gateway (payload 2.0) events, the way
 * API Gateway would call them after its JWT authorizer: no HTTP, no network, so what is timed
 * is the handler and its DynamoDB calls. Modules are imported as the local runtime imports them,
 * so `lib/db/client.ts` must already see DYNAMODB_ENDPOINT (see `pointHandlersAt`).
 */
export type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;
export type Handlers = Readonly<Partial<Record<FunctionName, Handler>>>;

/** The functions that serve routes; the event-driven ones take other events. */
export const loadHandlers = async (): Promise<Handlers> => {
  const loaded: Partial<Record<FunctionName, Handler>> = {};
  for (const name of new Set(routes.map((r) => r.function))) {
    loaded[name] = (await importHandler(name, functions[name])) as Handler;
  }
  return loaded;
};

export interface RouteRequest {
  /** `METHOD /path/{param}`, as declared in the route table. */
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface RouteResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number | boolean>>;
  readonly json: Record<string, unknown> | undefined;
}

const functionOf = new Map(routes.map((r) => [routeKey(r), r.function]));

/** `/contacts/{contactId}` with `{ contactId: "con_1" }` is `/contacts/con_1`. */
const pathOf = (request: RouteRequest): string =>
  (request.routeKey.split(" ")[1] ?? "/").replace(
    /\{(\w+)\}/g,
    (_, name: string) => request.pathParameters?.[name] ?? `{${name}}`,
  );

/** The event API Gateway would send for `request`, from an admin (allowed on every route). */
export const eventFor = (request: RouteRequest): ApiEvent =>
  apiEvent({
    routeKey: request.routeKey,
    path: pathOf(request),
    roles: "[admin]",
    sub: "bench-user",
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    ...(request.query ? { query: request.query } : {}),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.headers ? { headers: request.headers } : {}),
  });

/** Calls the function that serves `request.routeKey`, as API Gateway's integration would. */
export const callRoute = async (
  handlers: Handlers,
  request: RouteRequest,
): Promise<RouteResponse> => {
  const name = functionOf.get(request.routeKey);
  if (!name) throw new Error(`No route ${request.routeKey} in the route table`);
  const handler = handlers[name];
  if (!handler) throw new Error(`The handler of function ${name} is not loaded`);
  const result = await handler(eventFor(request), lambdaContext);
  return {
    status: result.statusCode ?? 200,
    headers: result.headers ?? {},
    json: result.body ? (JSON.parse(result.body) as Record<string, unknown>) : undefined,
  };
};

/** Like `callRoute`, but a status other than `expected` is an error: a benchmark of failures
 * would measure the wrong thing. */
export const callExpecting = async (
  handlers: Handlers,
  request: RouteRequest,
  expected: number,
): Promise<RouteResponse> => {
  const response = await callRoute(handlers, request);
  if (response.status !== expected) {
    throw new Error(
      `${request.routeKey} answered ${response.status}, expected ${expected}: ${JSON.stringify(response.json)}`,
    );
  }
  return response;
};
