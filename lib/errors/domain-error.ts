/**
 * Errors the domain throws. Each carries a stable machine-readable `code`
 * (`contact.email_taken`) and a `kind` that the HTTP layer maps to a status, so the domain
 * never speaks HTTP and clients can branch on the code.
 */
export type DomainErrorKind =
  | "invalid"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "unprocessable"
  /** The caller may use the route but not on this record (editing someone else's comment). */
  | "forbidden";

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    /** Extra members for the problem document, such as `existingId` on a duplicate. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (entity: string, id: string) =>
  new DomainError("not_found", `${entity}.not_found`, `No ${entity} with id ${id}.`, { id });

export const versionMismatch = (entity: string, id: string, expected: number, actual: number) =>
  new DomainError(
    "precondition_failed",
    `${entity}.version_mismatch`,
    `The ${entity} ${id} is at version ${actual}, not ${expected}. Fetch it again and retry.`,
    { id, currentVersion: actual },
  );

export const invalidInput = (code: string, message: string, fieldErrors: readonly FieldError[]) =>
  new DomainError("invalid", code, message, {}, fieldErrors);
