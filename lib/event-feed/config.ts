/**
 * The feed's timing. The recorder and the reader share these numbers; the reasoning behind
 * them is in docs/history-and-feed.md ("What the feed guarantees").
 */
export const MIN_RETENTION_DAYS = 7;
export const MAX_RETENTION_DAYS = 365;
const DAY_MILLISECONDS = 24 * 60 * 60 * 1000;

/**
 * How long the feed keeps an event, from `FEED_RETENTION_DAYS` (default and minimum 7). A value
 * out of range is a deployment mistake and fails loudly rather than silently keeping less than
 * integrators were promised.
 */
export const retentionDays = (value = process.env.FEED_RETENTION_DAYS): number => {
  if (value === undefined || value === "") return MIN_RETENTION_DAYS;
  const days = Number(value);
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    throw new Error(
      `FEED_RETENTION_DAYS must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}, not "${value}"`,
    );
  }
  return days;
};

export const retentionMilliseconds = (days: number) => days * DAY_MILLISECONDS;

/**
 * Readers serve only events that reached the feed at least this long ago. Events are ordered by
 * the time the recorder stamped them, and a write lands a little after its stamp; the window
 * covers that delay, the clock difference between Lambda hosts and the propagation of the type
 * index, so that nothing can appear behind a reader's cursor.
 */
export const SETTLE_MILLISECONDS = 5_000;

/**
 * The longest a recorder's write may take, from taking its timestamp to DynamoDB's answer, for
 * the settle window to hold. A write that took longer is appended again at a fresh position.
 * The other 3 s of the window are margin for clock skew and index propagation.
 */
export const WRITE_BUDGET_MILLISECONDS = 2_000;
