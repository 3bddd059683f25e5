import type { MiddlewareObj } from "@middy/core";
import { type Principal, principalFromClaims } from "#lib/auth/principal";
import { type ApiEvent, type ApiResult, stateOf } from "#lib/http/api-event";
import { HttpError } from "#lib/http/http-error";
import { isPublicRoute } from "#lib/http/route";

/** The caller of a public route: nobody in particular, with no role. */
const ANONYMOUS: Principal = { userId: "anonymous", roles: [] };

/**
 * Role checks per route. The token itself was verified by API Gateway's JWT authorizer (or by
 * the local runtime with the same rules); here we read its claims and apply the route's roles.
 * A public route (`auth: "none"`) gets the anonymous principal instead.
 */
export const authorization = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  before: ({ event }) => {
    const state = stateOf(event);
    // No authorizer runs on a public route, so any claims here were not verified: ignore them.
    if (isPublicRoute(state.route)) {
      state.principal = ANONYMOUS;
      return;
    }
    const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
    const principal = principalFromClaims(claims);
    if (!principal)
      throw new HttpError(401, "auth.unauthenticated", "A valid bearer token is required.");
    if (!principal.roles.some((role) => state.route.roles.includes(role))) {
      throw new HttpError(
        403,
        "auth.forbidden",
        `This operation needs one of the roles: ${state.route.roles.join(", ")}.`,
      );
    }
    state.principal = principal;
  },
});
