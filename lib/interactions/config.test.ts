import { describe, expect, it } from "vitest";
import { interactionsConfig } from "#lib/interactions/config";

describe("interactionsConfig", () => {
  it("creates unknown contacts unless told otherwise", () => {
    expect(interactionsConfig({})).toEqual({ createUnknownContacts: true });
    expect(interactionsConfig({ INTERACTIONS_CREATE_UNKNOWN_CONTACTS: "" })).toEqual({
      createUnknownContacts: true,
    });
  });

  it("reads true and false", () => {
    expect(interactionsConfig({ INTERACTIONS_CREATE_UNKNOWN_CONTACTS: "false" })).toEqual({
      createUnknownContacts: false,
    });
    expect(interactionsConfig({ INTERACTIONS_CREATE_UNKNOWN_CONTACTS: "true" })).toEqual({
      createUnknownContacts: true,
    });
  });

  it("refuses anything else instead of guessing", () => {
    for (const value of ["no", "0", "FALSE", " true"]) {
      expect(
        () => interactionsConfig({ INTERACTIONS_CREATE_UNKNOWN_CONTACTS: value }),
        value,
      ).toThrow(/INTERACTIONS_CREATE_UNKNOWN_CONTACTS must be "true" or "false"/);
    }
  });
});
