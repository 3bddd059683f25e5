import type { DeliveryPolicy } from "#lib/webhooks/policy";

/**
 * When to try again after automatic attempt number `attempt` (1-based) failed: exponential
 * backoff with ±25 % jitter, so that the deliveries that failed together during a receiver's
 * outage do not all come back at the same second. `retryAfterMs` (from a 429 or 503) is honoured
 * as a minimum. Returns undefined when the attempts are used up.
 */
export const retryDelayMs = (
  attempt: number,
  policy: DeliveryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined => {
  if (attempt >= policy.maxAttempts) return undefined;
  const exponential = policy.baseDelayMs * policy.factor ** (attempt - 1);
  const jittered = Math.min(exponential, policy.maxDelayMs) * (0.75 + random() * 0.5);
  const wait = Math.min(Math.max(jittered, retryAfterMs ?? 0), policy.maxDelayMs);
  return Math.round(wait * policy.delayScale);
};

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Anything else, or a
 * date in the past, is ignored.
 */
export const parseRetryAfter = (header: string | null, now: number): number | undefined => {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || date <= now) return undefined;
  return date - now;
};
