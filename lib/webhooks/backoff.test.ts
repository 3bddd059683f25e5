import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryDelayMs } from "#lib/webhooks/backoff";
import { DEFAULT_POLICY, deliveryPolicy } from "#lib/webhooks/policy";

const middle = () => 0.5;
const minute = 60_000;

describe("the retry schedule", () => {
  it("waits 30 s, 2 min, 8 min, 32 min, ~2 h, then 6 h, and gives up after 8 attempts", () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) =>
      retryDelayMs(attempt, DEFAULT_POLICY, undefined, middle),
    );
    expect(waits).toEqual([
      30_000,
      2 * minute,
      8 * minute,
      32 * minute,
      128 * minute,
      360 * minute,
      360 * minute,
      undefined,
    ]);
    const total = waits.reduce<number>((sum, wait) => sum + (wait ?? 0), 0);
    expect(total / 3_600_000).toBeGreaterThan(14);
  });

  it("jitters each wait by up to 25 % either way", () => {
    expect(retryDelayMs(2, DEFAULT_POLICY, undefined, () => 0)).toBe(90_000);
    expect(retryDelayMs(2, DEFAULT_POLICY, undefined, () => 0.999_999)).toBeCloseTo(150_000, -1);
  });

  it("honours a longer Retry-After, but never beyond the longest wait", () => {
    expect(retryDelayMs(1, DEFAULT_POLICY, 10 * minute, middle)).toBe(10 * minute);
    expect(retryDelayMs(1, DEFAULT_POLICY, 1_000, middle)).toBe(30_000);
    expect(retryDelayMs(1, DEFAULT_POLICY, 48 * 60 * minute, middle)).toBe(
      DEFAULT_POLICY.maxDelayMs,
    );
  });

  it("scales every wait for tests, and only by a factor in (0, 1]", () => {
    const fast = { ...DEFAULT_POLICY, delayScale: 0.001 };
    expect(retryDelayMs(1, fast, undefined, middle)).toBe(30);
    expect(deliveryPolicy({ WEBHOOK_RETRY_DELAY_SCALE: "0.01" }).delayScale).toBe(0.01);
    expect(deliveryPolicy({ WEBHOOK_RETRY_DELAY_SCALE: "5" }).delayScale).toBe(1);
    expect(deliveryPolicy({ WEBHOOK_RETRY_DELAY_SCALE: "nope" }).delayScale).toBe(1);
    expect(deliveryPolicy({}).delayScale).toBe(1);
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads delay-seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:01:00 GMT", now)).toBe(60_000);
  });
  it("ignores a missing, past or malformed value", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
  });
});
