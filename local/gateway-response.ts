import { HttpError } from "#lib/http/http-error";
import { problemResponse, toProblem } from "#lib/http/problem";
import type { Invocation } from "#local/function-invoker";

/**
 * What the local API Gateway sends back: its own refusals, in the handlers' problem+json shape
 * (built by `lib/http/problem.ts`, so the shape cannot drift), and a function's result, turned
 * into a response by the payload 2.0 rules.
 */

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body?: Buffer | string;
}

export const problemReply = (
  requestId: string,
  status: number,
  code: string,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
): Reply => {
  const result = problemResponse(
    toProblem(new HttpError(status, code, detail, [], headers), requestId),
  );
  return { status, headers: stringHeaders(result.headers), body: result.body };
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Lambda results may carry numbers and booleans as header values; HTTP carries strings. */
const stringHeaders = (headers: Readonly<Record<string, unknown>> | undefined) =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );

export type ResultReply = Reply | { readonly malformed: string };

/**
 * API Gateway's payload 2.0 rules: an object with `statusCode` is a structured response
 * (`headers`, `cookies`, `body`, `isBase64Encoded`); anything else is a 200 whose JSON body is
 * the value itself, a string being sent as it is. A structured response it cannot use is
 * malformed, which API Gateway answers with a 500.
 */
export const replyFromResult = (result: unknown): ResultReply => {
  if (!isRecord(result) || !("statusCode" in result)) {
    const body = typeof result === "string" ? result : JSON.stringify(result ?? null);
    return { status: 200, headers: { "content-type": "application/json" }, body };
  }
  const { statusCode, headers, cookies, body, isBase64Encoded } = result;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode)) {
    return { malformed: `statusCode ${JSON.stringify(statusCode)} is not an integer` };
  }
  if (statusCode < 100 || statusCode > 599) {
    return { malformed: `statusCode ${statusCode} is not an HTTP status` };
  }
  if (body !== undefined && body !== null && typeof body !== "string") {
    return { malformed: "body is not a string" };
  }
  if (headers !== undefined && !isRecord(headers)) return { malformed: "headers is not an object" };
  const out: Record<string, string | string[]> = stringHeaders(headers);
  if (Array.isArray(cookies) && cookies.length > 0) out["set-cookie"] = cookies.map(String);
  if (typeof body !== "string") return { status: statusCode, headers: out };
  return {
    status: statusCode,
    headers: out,
    body: isBase64Encoded === true ? Buffer.from(body, "base64") : body,
  };
};

export type FailureReport = (message: string, error: unknown) => void;

/**
 * The reply to a function's invocation. Failures become a 500 problem that points at the
 * runtime's output, where `report` has put the details (API Gateway, too, hides them from the
 * caller and leaves them in the function's logs).
 */
export const invocationReply = (
  invocation: Invocation,
  requestId: string,
  what: string,
  report: FailureReport,
): Reply => {
  if (invocation.outcome === "timed_out") {
    report(`${what} timed out after ${invocation.timeoutSeconds} s`, undefined);
    return problemReply(
      requestId,
      500,
      "internal",
      `The function timed out after ${invocation.timeoutSeconds} s.`,
    );
  }
  if (invocation.outcome === "failed") {
    report(`${what} failed`, invocation.error);
    return problemReply(
      requestId,
      500,
      "internal",
      "The function failed; see the runtime's output.",
    );
  }
  const reply = replyFromResult(invocation.result);
  if ("malformed" in reply) {
    report(`${what} returned a malformed response: ${reply.malformed}`, undefined);
    return problemReply(requestId, 500, "internal", "The function returned a malformed response.");
  }
  return reply;
};
