import * as z from "zod/mini";

/**
 * How the forecast classifies open deals, from the customer configuration (`sales.forecast` in
 * `infra/config/customer-config.ts`), which the stack hands to the forecast function as the JSON
 * of `SALES_FORECAST`. Unset (the local runtime, tests) means the defaults.
 *
 * An open deal counts in `commit` when its stage's win probability is at least
 * `commitThreshold`, and in `bestCase` when it is at least `bestCaseThreshold` (so every commit
 * deal is also a best-case deal). The classification follows the stage, so moving a deal is all
 * it takes to move it between the categories, and changing a stage's probability moves all of
 * its deals.
 */
export const forecastSettingsSchema = z
  .strictObject({
    commitThreshold: z._default(z.int().check(z.minimum(0), z.maximum(100)), 70),
    bestCaseThreshold: z._default(z.int().check(z.minimum(0), z.maximum(100)), 40),
  })
  .check(
    z.refine((s) => s.bestCaseThreshold <= s.commitThreshold, {
      message: "bestCaseThreshold cannot be above commitThreshold: commit deals are best case too",
      path: ["bestCaseThreshold"],
    }),
  );

export type ForecastSettings = z.infer<typeof forecastSettingsSchema>;

export const DEFAULT_FORECAST: ForecastSettings = { commitThreshold: 70, bestCaseThreshold: 40 };
export const SALES_FORECAST_VARIABLE = "SALES_FORECAST";

/**
 * The thresholds. A malformed value is a deployment mistake (the stack validates the
 * configuration before it sets the variable), so it fails loudly.
 */
export const forecastSettings = (
  value = process.env[SALES_FORECAST_VARIABLE],
): ForecastSettings => {
  if (value === undefined || value === "") return DEFAULT_FORECAST;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`${SALES_FORECAST_VARIABLE} is not JSON: ${value}`);
  }
  const result = forecastSettingsSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
    throw new Error(`${SALES_FORECAST_VARIABLE} is not valid (at ${problems}): ${value}`);
  }
  return result.data;
};
