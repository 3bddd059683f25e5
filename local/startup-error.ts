/**
 * A failure to start a part of the local runtime that the developer can fix (a missing Java, a
 * taken port). `npm start` prints its message as one line and exits non-zero instead of showing a
 * stack trace; anything else is a bug and keeps its stack.
 */
export type StartupErrorCode =
  | "java_missing"
  | "java_too_old"
  | "port_in_use"
  | "dynamodb_exited"
  | "dynamodb_timeout"
  | "table_mismatch"
  | "signing_key_unreadable";

export class StartupError extends Error {
  constructor(
    readonly code: StartupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StartupError";
  }
}

export const isStartupError = (error: unknown): error is StartupError =>
  error instanceof StartupError;
