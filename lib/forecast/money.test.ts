import { describe, expect, it } from "vitest";
import { fractionOf, minorDigitsOf, roundedQuotient, toBase, weighted } from "#lib/forecast/money";

const settings = { base: "EUR", rates: { USD: 0.92, JPY: 0.0062, KWD: 2.95, CHF: 1.005 } };

describe("forecast money", () => {
  it("knows the minor digits of currencies", () => {
    expect(minorDigitsOf("EUR")).toBe(2);
    expect(minorDigitsOf("JPY")).toBe(0);
    expect(minorDigitsOf("KWD")).toBe(3);
  });

  it("reads rates as the exact decimals they were written as", () => {
    expect(fractionOf(0.92)).toEqual({ num: 92n, den: 100n });
    expect(fractionOf(1)).toEqual({ num: 1n, den: 1n });
    expect(fractionOf(1.5e-7)).toEqual({ num: 15n, den: 100_000_000n });
    expect(fractionOf(2e21)).toEqual({ num: 2_000_000_000_000_000_000_000n, den: 1n });
  });

  it("rounds half away from zero", () => {
    expect(roundedQuotient(5n, 2n)).toBe(3n);
    expect(roundedQuotient(-5n, 2n)).toBe(-3n);
    expect(roundedQuotient(7n, 3n)).toBe(2n);
    expect(roundedQuotient(149n, 100n)).toBe(1n);
    expect(roundedQuotient(150n, 100n)).toBe(2n);
  });

  it("leaves the base currency as it is", () => {
    expect(toBase(123_45, "EUR", settings)).toEqual({ amount: 123_45, rate: 1 });
  });

  it("converts minor units with the rate and both currencies' digits, rounding once", () => {
    // 100.00 USD at 0.92 is 92.00 EUR.
    expect(toBase(100_00, "USD", settings)).toEqual({ amount: 92_00, rate: 0.92 });
    // 0.01 USD is 0.0092 EUR: rounds to 0.01 EUR; 0.05 USD is 0.046 EUR: 0.05 EUR.
    expect(toBase(1, "USD", settings)?.amount).toBe(1);
    expect(toBase(5, "USD", settings)?.amount).toBe(5);
    // 1 234.56 USD is 1 135.7952 EUR: 1 135.80 EUR.
    expect(toBase(1234_56, "USD", settings)?.amount).toBe(1135_80);
    // 10 000 JPY (no minor digits) at 0.0062 is 62.00 EUR.
    expect(toBase(10_000, "JPY", settings)).toEqual({ amount: 62_00, rate: 0.0062 });
    // 1 JPY is 0.0062 EUR: 0.62 cents, one cent.
    expect(toBase(1, "JPY", settings)?.amount).toBe(1);
    // 1.234 KWD (three digits) at 2.95 is 3.6403 EUR: 3.64 EUR.
    expect(toBase(1_234, "KWD", settings)?.amount).toBe(3_64);
    // 1.00 CHF at 1.005 is 1.005 EUR exactly, half up to 1.01; as floats, 100 * 1.005 is
    // 100.49999999999999, which Math.round would take down to 1.00.
    expect(toBase(100, "CHF", settings)?.amount).toBe(101);
  });

  it("says so when a currency has no rate", () => {
    expect(toBase(100, "SEK", settings)).toBeUndefined();
  });

  it("weighs by a probability in percent, rounding once", () => {
    expect(weighted(1000_00, 70)).toBe(700_00);
    expect(weighted(333, 50)).toBe(167);
    expect(weighted(1, 49)).toBe(0);
    expect(weighted(1, 50)).toBe(1);
    expect(weighted(999_999_999_999_999, 33)).toBe(330_000_000_000_000);
  });
});
