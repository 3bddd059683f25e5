import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy, { type MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import type { Principal } from "#lib/auth/principal";
import { type ApiEvent, type ApiResult, headerOf, stateOf } from "#lib/http/api-event";
import { authorization } from "#lib/http/middleware/authorization";
import { jsonBody } from "#lib/http/middleware/json-body";
import { preconditions } from "#lib/http/middleware/preconditions";
import { problemResponses } from "#lib/http/middleware/problem-responses";
import { routing } from "#lib/http/middleware/routing";
import { validation } from "#lib/http/middleware/validation";
import type { HttpResult } from "#lib/http/response";
import type { RouteDeclaration, RouteInput } from "#lib/http/route";
import { logger } from "#lib/observability/logger";

/** Everything an operation receives: validated input and who is asking. */
export type OperationInput<R extends RouteDeclaration> = RouteInput<R> & {
  readonly principal: Principal;
  /** The version named by If-Match, when sent. */
  readonly expectedVersion: number | undefined;
  /** The Accept header, for the routes that answer in more than JSON (CSV exports). */
  readonly accept: string | undefined;
};

export type Operations<Routes extends readonly RouteDeclaration[]> = {
  readonly [R in Routes[number] as R["operationId"]]: (
    input: OperationInput<R>,
  ) => Promise<HttpResult>;
};

const serializeJson = (result: HttpResult): ApiResult => ({
  statusCode: result.status,
  headers: {
    ...(result.body === undefined ? {} : { "content-type": "application/json" }),
    ...result.headers,
  },
  ...(result.body === undefined ? {} : { body: JSON.stringify(result.body) }),
});

const serialize = (result: HttpResult): ApiResult =>
  result.text !== undefined
    ? { statusCode: result.status, headers: { ...result.headers }, body: result.text }
    : serializeJson(result);

export interface HttpFunctionOptions {
  /**
   * The `Idempotency-Key` middleware (`idempotency()` from `#lib/http/middleware/idempotency`),
   * required when a route is `idempotent`. It is passed in rather than built in so that a
   * function without creating POSTs does not bundle and load the DynamoDB client for it.
   */
  readonly idempotency?: MiddlewareObj<ApiEvent, ApiResult>;
  /**
   * A function's own checks of the request, run after the route's authorization and before the
   * body is read (the web form's Origin check, for instance).
   */
  readonly checks?: readonly MiddlewareObj<ApiEvent, ApiResult>[];
}

/**
 * Builds the Lambda handler of one API resource: the shared middleware first, then a dispatch to
 * the operation named by the matched route. The operations only see validated, typed input.
 */
export const httpFunction = <const Routes extends readonly RouteDeclaration[]>(
  routes: Routes,
  operations: NoInfer<Operations<Routes>>,
  options: HttpFunctionOptions = {},
) => {
  const idempotent = routes.filter((r) => r.idempotent).map((r) => r.operationId);
  if (idempotent.length > 0 && !options.idempotency) {
    throw new Error(
      `Routes ${idempotent.join(", ")} are idempotent: pass the idempotency middleware`,
    );
  }
  const byId = operations as unknown as Record<
    string,
    (input: OperationInput<RouteDeclaration>) => Promise<HttpResult>
  >;
  const chain = middy<ApiEvent, ApiResult, Error, Context>()
    // Function name, cold start and Lambda request id on every log line; keys reset per request.
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemResponses())
    .use(routing(routes))
    .use(authorization())
    .use([...(options.checks ?? [])])
    .use(jsonBody())
    .use(validation())
    .use(preconditions());
  if (options.idempotency) chain.use(options.idempotency);
  return chain.handler(async (event) => {
    const state = stateOf(event);
    const operation = byId[state.route.operationId];
    if (!operation) throw new Error(`No operation implements ${state.route.operationId}`);
    const result = await operation({
      params: state.params,
      query: state.query,
      body: state.body,
      principal: state.principal as Principal,
      expectedVersion: state.expectedVersion,
      accept: headerOf(event, "accept"),
    } as OperationInput<RouteDeclaration>);
    logger.debug("Operation done", { status: result.status });
    return serialize(result);
  });
};
