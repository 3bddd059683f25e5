import * as z from "zod/mini";

/**
 * The shape of custom field values as a client sends them. Which keys exist and which type each
 * has is defined per account at run time (`/custom-fields`), so the values are checked against
 * those definitions in `validateCustomFieldValues`, not here.
 */
export const customFieldKey = z
  .string()
  .check(
    z.regex(
      /^[a-z][a-zA-Z0-9_]{0,63}$/,
      "Keys start with a lowercase letter and use letters, digits and _",
    ),
  );

export const customFieldValue = z.union([
  z.string().check(z.maxLength(2000)),
  z.number(),
  z.boolean(),
  z.array(z.string().check(z.maxLength(200))).check(z.maxLength(50)),
]);

export const customFieldValues = z.record(customFieldKey, customFieldValue);
/** On PATCH, `null` clears a value. */
export const customFieldPatch = z.record(customFieldKey, z.nullable(customFieldValue));

export type CustomFieldValue = z.infer<typeof customFieldValue>;
export type CustomFieldValues = Record<string, CustomFieldValue>;
