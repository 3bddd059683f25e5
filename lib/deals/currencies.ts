import * as z from "zod/mini";

/**
 * The currencies deals may be in, from the customer's configuration (`sales.currencies` in
 * `infra/config/customer-config.ts`), which the stack hands to the functions as the JSON of
 * `SALES_CURRENCIES`. `base` is the currency reports convert to; `rates` lists every other
 * allowed currency with the value of one unit of it in the base currency (`USD: 0.92` means
 * 1 USD = 0.92 EUR). The rates are for reports (the forecast); deals only need the list.
 *
 * Without the variable (the local runtime, tests) the default is the configuration's default:
 * EUR and nothing else. `SALES_CURRENCIES='{"base":"EUR","rates":{"USD":0.92}}' npm start` tries
 * more locally.
 */
export interface CurrencySettings {
  readonly base: string;
  readonly rates: Readonly<Record<string, number>>;
}

export const DEFAULT_CURRENCIES: CurrencySettings = { base: "EUR", rates: {} };
/** The environment variable the stack sets on the functions that need the currencies. */
export const SALES_CURRENCIES_VARIABLE = "SALES_CURRENCIES";

/**
 * ISO-4217 codes, as the runtime's ICU data knows them (Node's full ICU has every active one).
 * Built on first use rather than at module load: a cold start that checks no currency skips it.
 */
let isoCodes: ReadonlySet<string> | undefined;
const isIsoCurrency = (code: string) => {
  isoCodes ??= new Set(Intl.supportedValuesOf("currency"));
  return isoCodes.has(code);
};

const code = z
  .string()
  .check(z.refine(isIsoCurrency, "Expected an ISO-4217 currency code such as EUR"));

/** `sales.currencies` of the customer configuration; the stack validates it before deploying. */
export const currencySettingsSchema = z
  .strictObject({
    base: code,
    rates: z._default(z.record(code, z.number().check(z.positive())), {}),
  })
  .check(
    z.refine((s) => !Object.hasOwn(s.rates, s.base), {
      message: "The base currency has no rate",
      path: ["rates"],
    }),
  );

let parsed: { readonly source: string; readonly settings: CurrencySettings } | undefined;

/**
 * The allowed currencies. A malformed value is a deployment mistake (the stack validates the
 * configuration before it sets the variable), so it fails loudly instead of silently allowing
 * only the default.
 */
export const currencySettings = (
  value = process.env[SALES_CURRENCIES_VARIABLE],
): CurrencySettings => {
  if (value === undefined || value === "") return DEFAULT_CURRENCIES;
  if (parsed?.source === value) return parsed.settings;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`SALES_CURRENCIES is not JSON: ${value}`);
  }
  const result = currencySettingsSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}`).join(", ");
    throw new Error(`SALES_CURRENCIES is not valid (at ${problems}): ${value}`);
  }
  parsed = { source: value, settings: result.data };
  return result.data;
};

/** Every currency a deal may be in: the base first, then the others alphabetically. */
export const allowedCurrencies = (settings: CurrencySettings = currencySettings()): string[] => [
  settings.base,
  ...Object.keys(settings.rates).sort(),
];

export const isAllowedCurrency = (
  currency: string,
  settings: CurrencySettings = currencySettings(),
): boolean => currency === settings.base || Object.hasOwn(settings.rates, currency);
