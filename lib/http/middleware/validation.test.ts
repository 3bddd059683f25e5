import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { toFieldErrors } from "#lib/http/middleware/validation";

const body = z.strictObject({
  name: z.string(),
  amount: z.int().check(z.minimum(0)),
  note: z.optional(z.string()),
});

const errorsOf = (value: unknown) => {
  const result = body.safeParse(value);
  return result.success ? [] : toFieldErrors("body", result.error.issues);
};

describe("validation messages", () => {
  it("says a missing field is required", () => {
    expect(errorsOf({ amount: 1 })).toEqual([{ path: "body.name", message: "Required" }]);
  });

  it("keeps the locale's message for a value of the wrong type or out of range", () => {
    expect(errorsOf({ name: 7, amount: -1 })).toEqual([
      { path: "body.name", message: "Invalid input: expected string, received number" },
      { path: "body.amount", message: "Too small: expected number to be >=0" },
    ]);
    expect(errorsOf({ name: null, amount: 1 })).toEqual([
      { path: "body.name", message: "Invalid input: expected string, received null" },
    ]);
  });

  it("accepts a missing optional field, and names an unknown one", () => {
    expect(errorsOf({ name: "a", amount: 1 })).toEqual([]);
    expect(errorsOf({ name: "a", amount: 1, extra: true })).toEqual([
      { path: "body", message: 'Unrecognized key: "extra"' },
    ]);
  });
});
