/**
 * The numbers that govern deliveries, in one place. They are plain data so that tests can pass
 * their own; the functions read `deliveryPolicy()`, which takes the defaults.
 */
export interface DeliveryPolicy {
  /** Automatic attempts per delivery, the first one included; manual redeliveries are extra. */
  readonly maxAttempts: number;
  /** The wait after the first failed attempt; each later wait is `factor` times longer. */
  readonly baseDelayMs: number;
  readonly factor: number;
  /** No single wait is longer than this, Retry-After included. */
  readonly maxDelayMs: number;
  /** A receiver that has not answered after this long has failed the attempt. */
  readonly timeoutMs: number;
  /**
   * How long a claimed attempt keeps other sweepers away. Longer than an attempt can take, so
   * that an attempt is never sent twice at once; a crashed attempt is taken up again after it.
   */
  readonly leaseMs: number;
  /** After this many deliveries in a row end failed, the subscription is disabled. */
  readonly disableAfterFailedDeliveries: number;
  /** Deliveries (and their attempt logs) are kept this long. */
  readonly retentionDays: number;
  /**
   * Multiplies every retry wait. 1 in AWS; the local runtime's tests shrink it so that hours of
   * backoff pass in seconds. Read from `WEBHOOK_RETRY_DELAY_SCALE`.
   */
  readonly delayScale: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = {
  maxAttempts: 8,
  // 30 s, 2 min, 8 min, 32 min, ~2 h, then 6 h twice: about 15 hours from first to last attempt.
  baseDelayMs: 30_000,
  factor: 4,
  maxDelayMs: 6 * 60 * 60 * 1000,
  timeoutMs: 10_000,
  leaseMs: 2 * 60 * 1000,
  disableAfterFailedDeliveries: 5,
  retentionDays: 30,
  delayScale: 1,
};

const scaleFrom = (raw: string | undefined): number => {
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value > 0 && value <= 1 ? value : 1;
};

export const deliveryPolicy = (env: NodeJS.ProcessEnv = process.env): DeliveryPolicy => ({
  ...DEFAULT_POLICY,
  delayScale: scaleFrom(env.WEBHOOK_RETRY_DELAY_SCALE),
});
