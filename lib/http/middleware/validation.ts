import type { MiddlewareObj } from "@middy/core";
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import type { FieldError } from "#lib/errors/domain-error";
import { type ApiEvent, type ApiResult, stateOf } from "#lib/http/api-event";
import { HttpError } from "#lib/http/http-error";

/**
 * zod/mini ships without messages; English ones make the problem documents readable. Only the
 * English locale is imported: `z.locales.en()` would pull every locale into the bundle (~250 KB).
 * A field the client left out says "Required", rather than the locale's "expected string,
 * received undefined", which reads like a bug report about the client's own JSON.
 */
const requiredMessage = (issue: z.core.$ZodRawIssue): string | undefined =>
  issue.code === "invalid_type" && issue.input === undefined ? "Required" : undefined;

z.config({ ...en(), customError: requiredMessage });

const pathOf = (part: string, path: readonly PropertyKey[]) =>
  [part, ...path.map((segment) => String(segment))].join(".");

export const toFieldErrors = (part: string, issues: readonly z.core.$ZodIssue[]): FieldError[] =>
  issues.map((issue) => ({ path: pathOf(part, issue.path), message: issue.message }));

/**
 * Strict validation of path, query and body against the route's schemas. Strict object schemas
 * reject unknown fields, so a client cannot set what it is not meant to (mass assignment).
 */
export const validation = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  before: ({ event }) => {
    const state = stateOf(event);
    const { params, query, body } = state.route.request;
    const errors: FieldError[] = [];
    const check = (part: string, schema: z.ZodMiniType | undefined, value: unknown) => {
      if (!schema) return undefined;
      const result = schema.safeParse(value);
      if (!result.success) errors.push(...toFieldErrors(part, result.error.issues));
      return result.data;
    };
    state.params = check("params", params, event.pathParameters ?? {});
    state.query = check("query", query, event.queryStringParameters ?? {});
    state.body = check("body", body, state.json);
    if (!query && Object.keys(event.queryStringParameters ?? {}).length > 0) {
      errors.push({ path: "query", message: "This operation takes no query parameters" });
    }
    if (errors.length > 0) {
      throw new HttpError(
        400,
        "request.validation_failed",
        "The request is not valid; see errors.",
        errors,
      );
    }
  },
});
