import type { CurrencySettings } from "#lib/deals/currencies";

/**
 * Money arithmetic of the forecast, exact in minor units: amounts are integers, rates are the
 * decimals the configuration wrote, and every product is computed with BigInt and rounded once,
 * half away from zero, to a whole minor unit. No float ever holds money.
 */

const digitsCache = new Map<string, number>();

/** The minor unit digits of an ISO-4217 currency: EUR 2, JPY 0, KWD 3 (from ICU). */
export const minorDigitsOf = (currency: string): number => {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits as number;
    digitsCache.set(currency, digits);
  }
  return digits;
};

/** A rate as the exact fraction its shortest decimal form says: 0.92 -> 92/100. */
export const fractionOf = (rate: number): { readonly num: bigint; readonly den: bigint } => {
  const [mantissa = "0", exponent = "0"] = String(rate).split("e");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const num = BigInt(whole + fraction);
  const scale = fraction.length - Number(exponent);
  return scale >= 0
    ? { num, den: 10n ** BigInt(scale) }
    : { num: num * 10n ** BigInt(-scale), den: 1n };
};

/** num / den rounded half away from zero (den > 0). */
export const roundedQuotient = (num: bigint, den: bigint): bigint => {
  const magnitude = (2n * (num < 0n ? -num : num) + den) / (2n * den);
  return num < 0n ? -magnitude : magnitude;
};

export interface Converted {
  /** In the base currency's minor units. */
  readonly amount: number;
  /** The rate applied: 1 for the base currency. */
  readonly rate: number;
}

/**
 * Converts `amount` minor units of `currency` into the base currency's minor units, with the
 * configured rate (one unit of `currency` in base units) and the two currencies' minor digits:
 * 10 000 JPY (0 digits) at 0.0062 EUR is 62.00 EUR, 6 200 cents. Undefined when the currency
 * has no rate (it was removed from the configuration after deals were made in it).
 */
export const toBase = (
  amount: number,
  currency: string,
  settings: CurrencySettings,
): Converted | undefined => {
  if (currency === settings.base) return { amount, rate: 1 };
  const rate = settings.rates[currency];
  if (rate === undefined) return undefined;
  const { num, den } = fractionOf(rate);
  const shift = minorDigitsOf(settings.base) - minorDigitsOf(currency);
  const scaledNum = BigInt(amount) * num * (shift > 0 ? 10n ** BigInt(shift) : 1n);
  const scaledDen = den * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
  return { amount: Number(roundedQuotient(scaledNum, scaledDen)), rate };
};

/** `amount` weighted by a win probability in percent, rounded to a whole minor unit. */
export const weighted = (amount: number, probability: number): number =>
  Number(roundedQuotient(BigInt(amount) * BigInt(probability), 100n));
