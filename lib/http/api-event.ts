import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import type { Principal } from "#lib/auth/principal";
import type { RouteDeclaration } from "#lib/http/route";

/** What the middleware learns about a request, in the order the chain fills it in. */
export interface RequestState {
  route: RouteDeclaration;
  principal?: Principal;
  /** The parsed JSON body, before validation. */
  json?: unknown;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  /** The record version named by `If-Match`, when the client sent one. */
  expectedVersion?: number;
}

/** An API Gateway HTTP API (payload 2.0) event, carrying the middleware's state. */
export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer & { crm?: RequestState };
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** The state set by the routing middleware; every later middleware can count on it. */
export const stateOf = (event: ApiEvent): RequestState => {
  if (!event.crm) throw new Error("The routing middleware must run before this one");
  return event.crm;
};

export const headerOf = (event: ApiEvent, name: string): string | undefined =>
  event.headers?.[name];
