import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { Principal } from "#lib/auth/principal";
import { type ApiEvent, type ApiResult, stateOf } from "#lib/http/api-event";
import { authorization } from "#lib/http/middleware/authorization";
import { idempotency } from "#lib/http/middleware/idempotency";
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
};

export type Operations<Routes extends readonly RouteDeclaration[]> = {
  readonly [R in Routes[number] as R["operationId"]]: (input: OperationInput<R>) => Promise<HttpResult>;
};

const serialize = (result: HttpResult): ApiResult => ({
  statusCode: result.status,
  headers: {
    ...(result.body === undefined ? {} : { "content-type": "application/json" }),
    ...result.headers,
  },
  ...(result.body === undefined ? {} : { body: JSON.stringify(result.body) }),
});

/**
 * Builds the Lambda handler of one API resource: the shared middleware first, then a dispatch to
 * the operation named by the matched route. The operations only see validated, typed input.
 */
export const httpFunction = <const Routes extends readonly RouteDeclaration[]>(
  routes: Routes,
  operations: NoInfer<Operations<Routes>>,
) => {
  const byId = operations as unknown as Record<string, (input: OperationInput<RouteDeclaration>) => Promise<HttpResult>>;
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(problemResponses())
    .use(routing(routes))
    .use(authorization())
    .use(jsonBody())
    .use(validation())
    .use(preconditions())
    .use(idempotency())
    .handler(async (event) => {
      const state = stateOf(event);
      const operation = byId[state.route.operationId];
      if (!operation) throw new Error(`No operation implements ${state.route.operationId}`);
      const result = await operation({
        params: state.params,
        query: state.query,
        body: state.body,
        principal: state.principal as Principal,
        expectedVersion: state.expectedVersion,
      } as OperationInput<RouteDeclaration>);
      logger.debug("Operation done", { status: result.status });
      return serialize(result);
    });
};
