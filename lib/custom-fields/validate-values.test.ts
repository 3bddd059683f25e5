import { describe, expect, it } from "vitest";
import type { DefinitionSet } from "#lib/custom-fields/definitions";
import type { CustomFieldDefinition } from "#lib/custom-fields/schema";
import { validateCustomFieldValues } from "#lib/custom-fields/validate-values";
import { DomainError } from "#lib/errors/domain-error";

const definition = (
  over: Partial<CustomFieldDefinition> & Pick<CustomFieldDefinition, "key" | "type">,
) => ({
  entity: "contact" as const,
  label: over.key,
  required: false,
  version: 1,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  createdBy: "admin",
  updatedBy: "admin",
  ...over,
});

const set: DefinitionSet = {
  entity: "contact",
  revision: 3,
  definitions: new Map(
    [
      definition({ key: "note", type: "text" }),
      definition({ key: "score", type: "number" }),
      definition({ key: "vip", type: "boolean" }),
      definition({ key: "birthday", type: "date" }),
      definition({
        key: "tier",
        type: "single_select",
        options: ["gold", "silver"],
        required: true,
      }),
      definition({ key: "channels", type: "multi_select", options: ["email", "phone", "sms"] }),
    ].map((d) => [d.key, d]),
  ),
};

const errorsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError)
      return error.fieldErrors.map((e) => `${e.path}: ${e.message}`);
    throw error;
  }
  throw new Error("expected a validation error");
};

describe("validateCustomFieldValues on create", () => {
  it("accepts values of every type", () => {
    const values = {
      note: "met at the fair",
      score: 4.5,
      vip: true,
      birthday: "1990-02-28",
      tier: "gold",
      channels: ["email", "sms"],
    };
    expect(validateCustomFieldValues(set, values)).toEqual(values);
  });

  it("refuses a missing required field", () => {
    expect(errorsOf(() => validateCustomFieldValues(set, { note: "x" }))).toEqual([
      "body.customFields.tier: This field is required",
    ]);
  });

  it("refuses each wrong type with the field's path", () => {
    const errors = errorsOf(() =>
      validateCustomFieldValues(set, {
        tier: "bronze",
        note: 5,
        score: "5",
        vip: "yes",
        birthday: "2025-02-30",
        channels: ["email", "email"],
      }),
    );
    expect(errors).toEqual([
      "body.customFields.tier: Expected one of: gold, silver",
      "body.customFields.note: Expected text",
      "body.customFields.score: Expected a number",
      "body.customFields.vip: Expected true or false",
      "body.customFields.birthday: Expected a date as YYYY-MM-DD",
      "body.customFields.channels: Expected distinct values from: email, phone, sms",
    ]);
  });

  it("refuses keys that have no definition", () => {
    expect(errorsOf(() => validateCustomFieldValues(set, { tier: "gold", colour: "red" }))).toEqual(
      ['body.customFields.colour: No custom field "colour" is defined for contact'],
    );
  });
});

describe("validateCustomFieldValues on update", () => {
  const current = { tier: "silver", note: "old" };

  it("merges the patch and removes values set to null", () => {
    expect(validateCustomFieldValues(set, { note: null, score: 2 }, current)).toEqual({
      tier: "silver",
      score: 2,
    });
  });

  it("refuses removing a required value", () => {
    expect(errorsOf(() => validateCustomFieldValues(set, { tier: null }, current))).toEqual([
      "body.customFields.tier: This field is required and cannot be removed",
    ]);
  });

  it("does not demand required values the patch does not touch", () => {
    expect(validateCustomFieldValues(set, { vip: false }, {})).toEqual({ vip: false });
  });
});
