import type { ForecastSettings } from "#lib/forecast/config";

/**
 * The forecast category of a stage's deals:
 * - `closed_won`, `closed_lost`: closed stages, by their won flag;
 * - `commit`: open, win probability >= `commitThreshold` (default 70);
 * - `best_case`: open, win probability >= `bestCaseThreshold` (default 40) but below commit;
 * - `pipeline`: open, below best case.
 * The figures are cumulative: `commit` sums the commit deals, `bestCase` the commit and
 * best-case deals, `pipeline` every open deal.
 */
export const FORECAST_CATEGORIES = [
  "closed_won",
  "closed_lost",
  "commit",
  "best_case",
  "pipeline",
] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

export const categoryOf = (
  stage: { readonly closed: boolean; readonly won: boolean; readonly winProbability: number },
  settings: ForecastSettings,
): ForecastCategory => {
  if (stage.closed) return stage.won ? "closed_won" : "closed_lost";
  if (stage.winProbability >= settings.commitThreshold) return "commit";
  if (stage.winProbability >= settings.bestCaseThreshold) return "best_case";
  return "pipeline";
};
