import { type DefinitionSet, invalidCustomFieldsCode } from "#lib/custom-fields/definitions";
import type { CustomFieldDefinition } from "#lib/custom-fields/schema";
import type { CustomFieldValue, CustomFieldValues } from "#lib/custom-fields/values-schema";
import { type FieldError, invalidInput } from "#lib/errors/domain-error";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const isCalendarDate = (value: string) =>
  ISO_DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** Why `value` does not fit `definition`, or null when it does. */
export const valueProblem = (
  definition: CustomFieldDefinition,
  value: CustomFieldValue,
): string | null => {
  const options = definition.options ?? [];
  switch (definition.type) {
    case "text":
      return typeof value === "string" ? null : "Expected text";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "Expected a number";
    case "boolean":
      return typeof value === "boolean" ? null : "Expected true or false";
    case "date":
      return typeof value === "string" && isCalendarDate(value)
        ? null
        : "Expected a date as YYYY-MM-DD";
    case "single_select":
      return typeof value === "string" && options.includes(value)
        ? null
        : `Expected one of: ${options.join(", ")}`;
    case "multi_select":
      return Array.isArray(value) &&
        value.every((v) => options.includes(v)) &&
        new Set(value).size === value.length
        ? null
        : `Expected distinct values from: ${options.join(", ")}`;
  }
};

/**
 * Checks custom field values against the entity's definitions and returns the values to store.
 *
 * - On create (`current` absent), every required field must have a value.
 * - On update, `changes` is a patch: `null` removes a value, and a required field cannot be
 *   removed. Values the patch does not mention stay as they are, even for a field that was made
 *   required later, so old records stay editable.
 * - A key with no definition is refused, so typos do not become silent new fields.
 */
export const validateCustomFieldValues = (
  set: DefinitionSet,
  changes: Readonly<Record<string, CustomFieldValue | null>>,
  current?: CustomFieldValues,
): CustomFieldValues => {
  const errors: FieldError[] = [];
  const next: CustomFieldValues = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    const path = `body.customFields.${key}`;
    const definition = set.definitions.get(key);
    if (!definition) {
      errors.push({ path, message: `No custom field "${key}" is defined for ${set.entity}` });
    } else if (value === null) {
      if (definition.required)
        errors.push({ path, message: "This field is required and cannot be removed" });
      else delete next[key];
    } else {
      const problem = valueProblem(definition, value);
      if (problem) errors.push({ path, message: problem });
      else next[key] = value;
    }
  }
  if (current === undefined) {
    for (const definition of set.definitions.values()) {
      const reported = errors.some((e) => e.path === `body.customFields.${definition.key}`);
      if (definition.required && next[definition.key] === undefined && !reported) {
        errors.push({
          path: `body.customFields.${definition.key}`,
          message: "This field is required",
        });
      }
    }
  }
  if (errors.length > 0) {
    throw invalidInput(
      invalidCustomFieldsCode(set.entity),
      "Some custom field values are not valid; see errors.",
      errors,
    );
  }
  return next;
};
