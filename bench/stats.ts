/**
 * Order statistics for the benchmarks. The machines are noisy, so figures are medians and
 * percentiles of many samples, never means, and comparisons are ratios to a floor measured in
 * the same run.
 */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/** Nearest-rank percentile (p in 0..100) of samples already sorted ascending. */
const rank = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
};

export const percentile = (samples: readonly number[], p: number): number =>
  rank(
    [...samples].sort((a, b) => a - b),
    p,
  );

/** The middle value; the mean of the two middle values for an even count. */
export const median = (samples: readonly number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

export const summarize = (samples: readonly number[]): Summary => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: median(sorted),
    p90: rank(sorted, 90),
    p99: rank(sorted, 99),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
};

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export const now = (): number => performance.now();

/** Runs `fn` and returns how long it took, in milliseconds. */
export const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = now();
  await fn();
  return now() - start;
};

/** Rounds for display and for results.json, so the figures do not pretend to more precision. */
export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** A copy in random order (Fisher-Yates), so no item is always measured first or last. */
export const shuffled = <T>(items: readonly T[]): T[] => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};
