import type { Decay } from "#lib/lead-scoring/schema";

export const DAY_MS = 86_400_000;

/**
 * Signals are kept this long (their TTL) and count for nothing after it, whatever the decay:
 * a visit two years ago says nothing about a lead today, and a lead's signals stay few enough to
 * read whole on every recompute.
 */
export const SIGNAL_RETENTION_DAYS = 365;

/**
 * A half-life decay is over, for scheduling, when a signal is worth less than this many points:
 * it never reaches zero, but a hundredth of a point cannot move a whole-number score however
 * many such signals a rule has before its cap.
 */
const NEGLIGIBLE_POINTS = 0.01;

/** How much of its points a signal of this age keeps: 1 when fresh, towards 0 when old. */
export const decayFactor = (decay: Decay, ageMs: number): number => {
  const ageDays = Math.max(0, ageMs) / DAY_MS;
  if (ageDays >= SIGNAL_RETENTION_DAYS) return 0;
  switch (decay.kind) {
    case "none":
      return 1;
    case "half_life":
      return 0.5 ** (ageDays / decay.days);
    case "linear":
      return Math.max(0, 1 - ageDays / decay.days);
  }
};

/**
 * The time after which a signal's worth under this rule no longer changes by itself: its decay
 * is over, or its retention is. Until then the lead's score may drift without any event, which
 * is what the decay review (`lib/lead-scoring/review.ts`) is for.
 */
export const settlesAt = (decay: Decay, points: number, occurredAtMs: number): number => {
  const retentionEnd = occurredAtMs + SIGNAL_RETENTION_DAYS * DAY_MS;
  switch (decay.kind) {
    case "none":
      return retentionEnd;
    case "linear":
      return Math.min(retentionEnd, occurredAtMs + decay.days * DAY_MS);
    case "half_life": {
      const halvings = Math.log2(Math.abs(points) / NEGLIGIBLE_POINTS);
      return Math.min(retentionEnd, occurredAtMs + Math.max(0, halvings) * decay.days * DAY_MS);
    }
  }
};

/** Whether a signal's worth changes continuously (a decay under way) or in one step. */
export const decaysGradually = (decay: Decay): boolean => decay.kind !== "none";

/** Midnight UTC after `ms`: the decay review runs nightly and takes what was due before it. */
export const startOfNextUtcDay = (ms: number): Date => {
  const day = new Date(ms);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1));
};
