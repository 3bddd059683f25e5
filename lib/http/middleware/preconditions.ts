import type { MiddlewareObj } from "@middy/core";
import { type ApiEvent, type ApiResult, headerOf, stateOf } from "#lib/http/api-event";
import { HttpError } from "#lib/http/http-error";

const ETAG = /^(?:W\/)?"(\d{1,15})"$/;

/**
 * Reads `If-Match` on conditional routes into the version the client last saw. The domain writes
 * conditionally on that version and answers 412 when the record has moved on. `*` means "any
 * version", which is the same as sending no header.
 */
export const preconditions = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  before: ({ event }) => {
    const state = stateOf(event);
    const header = headerOf(event, "if-match")?.trim();
    if (!state.route.conditional || header === undefined || header === "*") return;
    const match = ETAG.exec(header);
    if (!match?.[1]) {
      throw new HttpError(
        412,
        "request.invalid_if_match",
        'If-Match must be an ETag this API returned, such as "3".',
      );
    }
    state.expectedVersion = Number(match[1]);
  },
});
