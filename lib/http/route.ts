import type { z } from "zod/mini";
import type { Role } from "#lib/auth/roles";
import type { FunctionName } from "#lib/wiring/functions";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type AnySchema = z.ZodMiniType;

/**
 * One API route, declared as plain data next to the capability that serves it. The CDK, the
 * local runtime, the OpenAPI document and the handler's validation all read this object.
 */
export interface RouteDeclaration<
  Id extends string = string,
  Params extends AnySchema | undefined = AnySchema | undefined,
  Query extends AnySchema | undefined = AnySchema | undefined,
  Body extends AnySchema | undefined = AnySchema | undefined,
> {
  /** Stable name of the operation; also the OpenAPI operationId and the handler key. */
  readonly operationId: Id;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/contacts/{contactId}`. */
  readonly path: string;
  readonly function: FunctionName;
  readonly summary: string;
  /** Roles allowed to call the route; empty on a public route. */
  readonly roles: readonly Role[];
  /**
   * `"none"`: a public route, called without a token (the web-form capture only). API Gateway
   * puts no authorizer on it and throttles it on its own, the local runtime checks no token, the
   * OpenAPI document lists no security requirement, and the handler sees an anonymous caller.
   * Every other route is `"jwt"`, the default.
   */
  readonly auth?: "jwt" | "none";
  readonly request: { readonly params?: Params; readonly query?: Query; readonly body?: Body };
  readonly response: {
    readonly status: 200 | 201 | 204;
    readonly body?: AnySchema;
    readonly description: string;
    /** Also answers `text/csv` (with `Accept: text/csv` or `?format=csv`): an export. */
    readonly csv?: boolean;
  };
  /** A creating POST: honours `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** A change to a versioned record: honours `If-Match`. */
  readonly conditional?: boolean;
  /** Problem types the route can answer with, besides the ones every route shares. */
  readonly errors?: readonly number[];
}

/** Declares a route with its schemas' types kept, so the handler's input is typed. */
export const route = <
  const Id extends string,
  Params extends AnySchema | undefined = undefined,
  Query extends AnySchema | undefined = undefined,
  Body extends AnySchema | undefined = undefined,
>(
  declaration: RouteDeclaration<Id, Params, Query, Body>,
) => declaration;

/** Whether a route is called without a token; see `RouteDeclaration.auth`. */
export const isPublicRoute = (r: Pick<RouteDeclaration, "auth">) => r.auth === "none";

/** `POST /contacts/{contactId}` — the key API Gateway puts in `event.routeKey`. */
export const routeKey = (r: Pick<RouteDeclaration, "method" | "path">) => `${r.method} ${r.path}`;

type Infer<S> = S extends AnySchema ? z.output<S> : undefined;

export interface RouteInput<R extends RouteDeclaration> {
  readonly params: Infer<NonNullable<R["request"]["params"]>>;
  readonly query: Infer<NonNullable<R["request"]["query"]>>;
  readonly body: Infer<NonNullable<R["request"]["body"]>>;
}
