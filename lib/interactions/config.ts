/**
 * How inbound interaction events are handled, from the customer configuration
 * (`interactions` in `infra/config/customer-config.ts`), which the stack passes to the ingest
 * function as environment variables. Unset (the local runtime, tests) means the defaults.
 */
export interface InteractionsConfig {
  /**
   * An interaction with an address or number that no contact has creates that contact; when
   * false, such counterparts are left out, and an interaction with none left is skipped.
   */
  readonly createUnknownContacts: boolean;
}

export const CREATE_UNKNOWN_CONTACTS_VARIABLE = "INTERACTIONS_CREATE_UNKNOWN_CONTACTS";

/**
 * Reads the configuration from the environment. A value other than `true` or `false` is a
 * deployment mistake and fails loudly rather than silently creating (or not) contacts.
 */
export const interactionsConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): InteractionsConfig => {
  const value = env[CREATE_UNKNOWN_CONTACTS_VARIABLE];
  if (value === undefined || value === "") return { createUnknownContacts: true };
  if (value !== "true" && value !== "false") {
    throw new Error(
      `${CREATE_UNKNOWN_CONTACTS_VARIABLE} must be "true" or "false", not "${value}"`,
    );
  }
  return { createUnknownContacts: value === "true" };
};
