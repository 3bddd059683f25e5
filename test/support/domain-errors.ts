import { DomainError } from "#lib/errors/domain-error";

/** The DomainError a promise rejects with; fails the test if it resolves or throws anything else. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<DomainError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError, but the promise resolved");
};
