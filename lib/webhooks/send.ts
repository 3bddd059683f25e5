import { parseRetryAfter } from "#lib/webhooks/backoff";
import type { AttemptResult } from "#lib/webhooks/classify";
import type { SignedHeaders } from "#lib/webhooks/signature";

export interface SentAttempt {
  readonly result: AttemptResult;
  readonly durationMs: number;
}

const USER_AGENT = "crm-webhooks/1";

/**
 * POSTs one signed attempt with the global fetch (no HTTP library to load at cold start).
 * Redirects are not followed, and the response body is discarded: only the status matters, and
 * a receiver cannot make us hold a large body in memory.
 */
export const postSigned = async (
  url: string,
  body: string,
  signed: SignedHeaders,
  timeoutMs: number,
): Promise<SentAttempt> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        ...signed,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
    return {
      result: {
        kind: "response",
        status: response.status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
      durationMs: elapsed(),
    };
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      return { result: { kind: "timeout" }, durationMs: elapsed() };
    }
    return {
      result: { kind: "network", message: describeNetworkError(error) },
      durationMs: elapsed(),
    };
  }
};

/** fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
const describeNetworkError = (error: unknown): string => {
  const cause = error instanceof Error ? error.cause : undefined;
  const detail =
    cause && typeof cause === "object" && "code" in cause && cause.code
      ? String(cause.code)
      : cause instanceof Error
        ? cause.message
        : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (detail ? `${message} (${detail})` : message).slice(0, 500);
};
