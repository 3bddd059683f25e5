import type { MiddlewareObj } from "@middy/core";
import type { ApiEvent, ApiResult } from "#lib/http/api-event";
import { HttpError } from "#lib/http/http-error";
import { type RouteDeclaration, routeKey } from "#lib/http/route";
import { logger } from "#lib/observability/logger";

/** Finds the declared route for API Gateway's `routeKey` and records it on the event. */
export const routing = (
  routes: readonly RouteDeclaration[],
): MiddlewareObj<ApiEvent, ApiResult> => {
  const byKey = new Map(routes.map((r) => [routeKey(r), r]));
  return {
    before: ({ event }) => {
      const route = byKey.get(event.routeKey);
      if (!route) throw new HttpError(404, "route.not_found", `No route ${event.routeKey}.`);
      event.crm = { route };
      logger.appendKeys({
        requestId: event.requestContext.requestId,
        operation: route.operationId,
      });
    },
  };
};
