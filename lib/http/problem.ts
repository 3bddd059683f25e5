import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { DomainError, type DomainErrorKind, type FieldError } from "#lib/errors/domain-error";
import { HttpError } from "#lib/http/http-error";

/**
 * RFC 9457 problem documents. Every error the API returns goes through `toProblem`, so the
 * shape is the same everywhere: `type`, `title`, `status`, `detail`, `code`, `requestId`, and
 * `errors[]` for validation.
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly requestId: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  unprocessable: 422,
  forbidden: 403,
};

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Errors of the AWS SDK that mean DynamoDB is unavailable or throttling us, not a bug of ours. */
const UNAVAILABLE = new Set([
  "ServiceUnavailable",
  "InternalServerError",
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "TimeoutError",
]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

export const isDependencyOutage = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (UNAVAILABLE.has(error.name) || (typeof code === "string" && NETWORK_CODES.has(code)))
    return true;
  // The SDK wraps socket failures; look one level down.
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDependencyOutage(cause);
};

export const problemTypeUri = (code: string) =>
  `https://crm.dev/problems/${code.replace(/\./g, "/")}`;

export interface ProblemResult {
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  /** Set for 5xx: the error is logged at error level with its stack. */
  readonly unexpected: boolean;
}

export const toProblem = (error: unknown, requestId: string): ProblemResult => {
  const build = (
    status: number,
    code: string,
    detail: string,
    fieldErrors: readonly FieldError[] = [],
    extensions: Readonly<Record<string, unknown>> = {},
  ): Problem => ({
    ...extensions,
    type: problemTypeUri(code),
    title: TITLES[status] ?? "Error",
    status,
    detail,
    code,
    requestId,
    ...(fieldErrors.length > 0 ? { errors: fieldErrors } : {}),
  });

  if (error instanceof DomainError) {
    const status = STATUS_BY_KIND[error.kind];
    return {
      problem: build(status, error.code, error.message, error.fieldErrors, error.extensions),
      headers: {},
      unexpected: false,
    };
  }
  if (error instanceof HttpError) {
    return {
      problem: build(error.status, error.code, error.message, error.fieldErrors, error.extensions),
      headers: { ...error.headers },
      unexpected: error.status >= 500,
    };
  }
  if (isDependencyOutage(error)) {
    return {
      problem: build(
        503,
        "service.unavailable",
        "The database is unavailable right now. Retry shortly.",
      ),
      headers: { "retry-after": "1" },
      unexpected: false,
    };
  }
  return {
    problem: build(
      500,
      "internal",
      "An unexpected error occurred. It has been logged with this requestId.",
    ),
    headers: {},
    unexpected: true,
  };
};

export const problemResponse = (result: ProblemResult): APIGatewayProxyStructuredResultV2 => ({
  statusCode: result.problem.status,
  headers: { "content-type": "application/problem+json", ...result.headers },
  body: JSON.stringify(result.problem),
});
