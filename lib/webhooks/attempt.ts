import { retryDelayMs } from "#lib/webhooks/backoff";
import { type AttemptResult, verdictOf } from "#lib/webhooks/classify";
import {
  type ClaimedDelivery,
  type DeliveryItem,
  type NextState,
  recordAttempt,
} from "#lib/webhooks/delivery-store";
import { recordFailedDelivery, recordSuccess } from "#lib/webhooks/health";
import type { DeliveryPolicy } from "#lib/webhooks/policy";
import type { Attempt, AttemptTrigger } from "#lib/webhooks/schema";
import { postSigned } from "#lib/webhooks/send";
import { signedHeaders } from "#lib/webhooks/signature";
import type { DeliveryTarget } from "#lib/webhooks/signing-keys";

export interface AttemptContext {
  readonly policy: DeliveryPolicy;
  readonly now?: () => number;
  readonly send?: typeof postSigned;
  readonly random?: () => number;
}

const errorOf = (result: AttemptResult, timeoutMs: number): string | undefined => {
  if (result.kind === "timeout") return `No response within ${timeoutMs} ms`;
  if (result.kind === "network") return result.message;
  return undefined;
};

/** Where an automatic attempt leaves the delivery. */
const nextAfterAutomatic = (
  result: AttemptResult,
  automaticAttempt: number,
  now: number,
  context: AttemptContext,
): NextState => {
  const verdict = verdictOf(result);
  if (verdict === "succeeded") return { status: "succeeded" };
  if (verdict === "give_up") {
    return {
      status: "failed",
      reason: `HTTP ${result.kind === "response" ? result.status : "?"} is not retried`,
    };
  }
  const retryAfter = result.kind === "response" ? result.retryAfterMs : undefined;
  const delay = retryDelayMs(automaticAttempt, context.policy, retryAfter, context.random);
  return delay === undefined
    ? { status: "failed", reason: `Gave up after ${automaticAttempt} attempts` }
    : { status: "pending", nextAttemptAt: now + delay };
};

/**
 * A manual redelivery is one extra attempt: success settles the delivery; failure leaves a
 * pending delivery on its retry schedule and marks a finished one failed.
 */
const nextAfterManual = (
  result: AttemptResult,
  claimed: ClaimedDelivery,
  now: number,
): NextState => {
  if (verdictOf(result) === "succeeded") return { status: "succeeded" };
  if (claimed.statusBefore === "pending") {
    const due = claimed.dueBefore ? Date.parse(claimed.dueBefore) : now;
    return { status: "pending", nextAttemptAt: Math.max(due, now) };
  }
  return { status: "failed", reason: "The manual redelivery failed" };
};

/**
 * Sends one attempt of a claimed delivery and records it: the attempt log, the next state, and
 * the subscription's health. Never throws for the receiver's failures, only for our own (the
 * database); then the claim's lease runs out and the sweeper tries again.
 *
 * Automatic attempts go only to active subscriptions; a delivery whose subscription was paused,
 * disabled or deleted meanwhile is cancelled (a manual redelivery can still send it).
 */
export const attemptDelivery = async (
  claimed: ClaimedDelivery,
  trigger: AttemptTrigger,
  target: DeliveryTarget | undefined,
  context: AttemptContext,
): Promise<DeliveryItem | undefined> => {
  const now = context.now ?? Date.now;
  const { item } = claimed;
  if (
    !target ||
    target.keys.length === 0 ||
    (trigger !== "manual" && target.webhook.status !== "active")
  ) {
    const reason = target
      ? `The subscription is ${target.webhook.status}`
      : "The subscription is gone";
    return recordAttempt(claimed, undefined, { status: "cancelled", reason }, now());
  }

  const startedAt = now();
  const headers = signedHeaders(target.keys, item.eventId, Math.floor(startedAt / 1000), item.body);
  const send = context.send ?? postSigned;
  const { result, durationMs } = await send(
    target.webhook.url,
    item.body,
    headers,
    context.policy.timeoutMs,
  );
  const verdict = verdictOf(result);
  const automaticAttempt = item.automaticAttempts + (trigger === "manual" ? 0 : 1);
  const error = errorOf(result, context.policy.timeoutMs);
  const attempt: Attempt = {
    attempt: item.attemptCount + 1,
    at: new Date(startedAt).toISOString(),
    trigger,
    outcome: verdict === "succeeded" ? "succeeded" : "failed",
    ...(verdict === "succeeded" ? {} : { retryable: verdict === "retry" }),
    ...(result.kind === "response" ? { statusCode: result.status } : {}),
    durationMs,
    ...(error ? { error } : {}),
  };
  const finishedAt = now();
  const next =
    trigger === "manual"
      ? nextAfterManual(result, claimed, finishedAt)
      : nextAfterAutomatic(result, automaticAttempt, finishedAt, context);

  const recorded = await recordAttempt(claimed, attempt, next, finishedAt);
  if (!recorded) return undefined;
  if (next.status === "succeeded") await recordSuccess(item.webhookId, finishedAt);
  else if (next.status === "failed" && trigger !== "manual") {
    await recordFailedDelivery(item.webhookId, finishedAt, context.policy);
  }
  return recorded;
};
