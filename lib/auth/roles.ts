/**
 * The roles a caller can hold. They arrive in a token claim (Cognito groups by default) and are
 * checked per route in one place: the route table.
 */
export const ROLES = ["admin", "sales", "support", "marketing", "read-only"] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role =>
  (ROLES as readonly string[]).includes(value);

/** Everyone who may read CRM records. */
export const READERS: readonly Role[] = ROLES;
/** Everyone who may create and change customer records. */
export const WRITERS: readonly Role[] = ["admin", "sales", "support", "marketing"];
/** Deleting customer records is kept to admins and sales. */
export const DELETERS: readonly Role[] = ["admin", "sales"];
/** Configuration of the CRM itself (custom fields, later pipelines and SLA policies). */
export const ADMINS: readonly Role[] = ["admin"];
