import type {
  HeaderObject,
  ParameterObject,
  Reference,
  ResponseObject,
  SchemaObject,
  SecuritySchemeObject,
} from "#lib/openapi/types";

/**
 * The HTTP conventions every route shares (DESIGN.md, "HTTP API conventions"), written once as
 * OpenAPI components. They describe what `lib/http/middleware/*` does, so a change there needs a
 * change here.
 */

export const SECURITY_SCHEME = "bearerAuth";

export const securitySchemes: Record<string, SecuritySchemeObject> = {
  [SECURITY_SCHEME]: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A JWT from the stack's identity provider. Roles come from a token claim " +
      "(Cognito groups by default); each operation lists the roles it accepts.",
  },
};

const ref = (section: "headers" | "parameters" | "responses", name: string): Reference => ({
  $ref: `#/components/${section}/${name}`,
});

export const parameters = {
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "Makes a retry safe. A replay with the same key and body returns the first response; the " +
      "same key with a different body is a 422; a retry while the first request still runs is a " +
      "409 with Retry-After. Keys are scoped to the caller and the operation.",
    // The same format lib/http/middleware/idempotency.ts accepts: 1 to 255 visible ASCII characters.
    schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
  },
  IfMatch: {
    name: "If-Match",
    in: "header",
    required: false,
    description:
      'The ETag of the version the change is based on, such as "3". If the record has moved on, ' +
      "or the value is not an ETag of this API, the answer is 412. `*` or no header means any version.",
    schema: { type: "string", pattern: '^(\\*|(W/)?"\\d{1,15}")$' },
  },
} satisfies Record<string, ParameterObject>;

export const headers = {
  ETag: {
    description: 'The record\'s version as an entity tag, such as "3"; send it back in If-Match.',
    schema: { type: "string", pattern: '^"\\d+"$' },
  },
  Location: {
    description: "The path of the created resource.",
    schema: { type: "string", format: "uri-reference" },
  },
  IdempotentReplayed: {
    description:
      "`true` when this is the stored response of an earlier request with the same Idempotency-Key.",
    schema: { type: "string", enum: ["true"] },
  },
  RetryAfter: {
    description: "Seconds to wait before retrying.",
    schema: { type: "string", pattern: "^\\d+$" },
  },
} satisfies Record<string, HeaderObject>;

export const headerRefs = {
  etag: { ETag: ref("headers", "ETag") },
  location: { Location: ref("headers", "Location") },
  replayed: { "Idempotent-Replayed": ref("headers", "IdempotentReplayed") },
} as const;

export const parameterRefs = {
  idempotencyKey: ref("parameters", "IdempotencyKey"),
  ifMatch: ref("parameters", "IfMatch"),
} as const;

/** Problem responses that every route can give, whatever it declares. */
export const COMMON_PROBLEM_STATUSES = [400, 401, 403, 413, 415, 429, 500, 503] as const;
/** What the Idempotency-Key middleware adds on idempotent routes. */
export const IDEMPOTENCY_PROBLEM_STATUSES = [409, 422] as const;
/** What the If-Match middleware adds on conditional routes. */
export const PRECONDITION_PROBLEM_STATUSES = [412] as const;

interface ProblemResponse {
  readonly name: string;
  readonly description: string;
  readonly retryAfter?: boolean;
}

const PROBLEM_RESPONSES: Readonly<Record<number, ProblemResponse>> = {
  400: {
    name: "BadRequest",
    description: "The request is not valid; `errors` lists each field that is wrong.",
  },
  401: {
    name: "Unauthorized",
    description:
      "No valid bearer token. API Gateway's authorizer may answer before the function does, " +
      "with its own `{ message }` body.",
  },
  403: {
    name: "Forbidden",
    description: "The token's roles do not include one this operation accepts.",
  },
  404: { name: "NotFound", description: "The record does not exist." },
  409: {
    name: "Conflict",
    description:
      "The change conflicts with other data, such as a duplicate unique value, or a request " +
      "with the same Idempotency-Key is still being processed (then with Retry-After).",
    retryAfter: true,
  },
  412: {
    name: "PreconditionFailed",
    description: "If-Match names a version other than the record's current one, or is not an ETag.",
  },
  413: { name: "ContentTooLarge", description: "The request body is larger than 64 KiB." },
  415: {
    name: "UnsupportedMediaType",
    description: "The request body is not sent as application/json.",
  },
  422: {
    name: "UnprocessableContent",
    description:
      "The request is valid but cannot be applied, such as a limit being reached, or the " +
      "Idempotency-Key was already used with a different body.",
  },
  429: {
    name: "TooManyRequests",
    description:
      "Too many requests; back off and retry. API Gateway throttling answers with its own body.",
  },
  500: {
    name: "InternalServerError",
    description: "An unexpected error; it is logged under the problem's `requestId`.",
  },
  503: {
    name: "ServiceUnavailable",
    description:
      "A dependency such as the database is unavailable; retry after Retry-After seconds.",
    retryAfter: true,
  },
};

export const problemResponseRef = (status: number, operationId: string): Reference => {
  const response = PROBLEM_RESPONSES[status];
  if (!response)
    throw new Error(`${operationId}: no problem response is documented for status ${status}`);
  return ref("responses", response.name);
};

/** Every problem response, as components that reference the shared Problem schema. */
export const problemResponses = (problemSchema: SchemaObject): Record<string, ResponseObject> =>
  Object.fromEntries(
    Object.values(PROBLEM_RESPONSES).map(({ name, description, retryAfter }) => [
      name,
      {
        description,
        ...(retryAfter ? { headers: { "Retry-After": ref("headers", "RetryAfter") } } : {}),
        content: { "application/problem+json": { schema: problemSchema } },
      },
    ]),
  );
