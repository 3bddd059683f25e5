/**
 * How leads convert, from the customer configuration (`sales.conversion` in
 * `infra/config/customer-config.ts`), which the stack passes to the leads function as an
 * environment variable. Unset (the local runtime, tests) means the defaults.
 */
export interface ConversionConfig {
  /**
   * Only a qualified lead converts: sales works a lead until it is qualified, and conversion is
   * the hand-over of a qualified one. When false, a lead in any status but converted converts.
   */
  readonly requireQualified: boolean;
}

export const DEFAULT_CONVERSION: ConversionConfig = { requireQualified: true };

export const REQUIRE_QUALIFIED_VARIABLE = "SALES_CONVERSION_REQUIRE_QUALIFIED";

/**
 * Reads the configuration from the environment. A value other than `true` or `false` is a
 * deployment mistake and fails loudly rather than silently letting (or not) any lead convert.
 */
export const conversionConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConversionConfig => {
  const value = env[REQUIRE_QUALIFIED_VARIABLE];
  if (value === undefined || value === "") return DEFAULT_CONVERSION;
  if (value !== "true" && value !== "false") {
    throw new Error(`${REQUIRE_QUALIFIED_VARIABLE} must be "true" or "false", not "${value}"`);
  }
  return { requireQualified: value === "true" };
};
