import { describe, expect, it } from "vitest";
import {
  allowedCurrencies,
  currencySettings,
  DEFAULT_CURRENCIES,
  isAllowedCurrency,
} from "#lib/deals/currencies";

describe("the sales currencies", () => {
  it("defaults to EUR alone", () => {
    expect(currencySettings("")).toEqual(DEFAULT_CURRENCIES);
    expect(allowedCurrencies(DEFAULT_CURRENCIES)).toEqual(["EUR"]);
    expect(isAllowedCurrency("USD", DEFAULT_CURRENCIES)).toBe(false);
  });

  it("reads the configured base and rates", () => {
    const settings = currencySettings('{"base":"USD","rates":{"GBP":1.27,"EUR":1.08}}');
    expect(settings).toEqual({ base: "USD", rates: { GBP: 1.27, EUR: 1.08 } });
    expect(allowedCurrencies(settings)).toEqual(["USD", "EUR", "GBP"]);
    expect(isAllowedCurrency("GBP", settings)).toBe(true);
    expect(isAllowedCurrency("JPY", settings)).toBe(false);
    expect(isAllowedCurrency("constructor", settings)).toBe(false);
    expect(currencySettings('{"base":"CHF"}')).toEqual({ base: "CHF", rates: {} });
  });

  it("fails loudly on a value the stack could not have set", () => {
    for (const value of [
      "EUR",
      '{"base":"EURO","rates":{}}',
      '{"base":"EUR","rates":{"USD":0}}',
      '{"base":"EUR","rates":{"XYZ":1}}',
      '{"base":"EUR","rates":{"EUR":1}}',
      '{"base":"EUR","rates":{},"extra":true}',
    ]) {
      expect(() => currencySettings(value), value).toThrow(/SALES_CURRENCIES/);
    }
  });
});
