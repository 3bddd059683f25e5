import type { MiddlewareObj } from "@middy/core";
import { type ApiEvent, type ApiResult, headerOf, stateOf } from "#lib/http/api-event";
import { HttpError } from "#lib/http/http-error";

/** 64 KiB is far above any CRM record and well below Lambda's and API Gateway's own limits. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim());

/** Reads and parses the JSON body of routes that take one, and refuses bodies elsewhere. */
export const jsonBody = ({
  maxBytes = DEFAULT_MAX_BODY_BYTES,
} = {}): MiddlewareObj<ApiEvent, ApiResult> => ({
  before: ({ event }) => {
    const state = stateOf(event);
    const raw = event.body;
    const hasBody = raw !== undefined && raw !== null && raw !== "";
    if (!state.route.request.body) {
      if (hasBody)
        throw new HttpError(
          400,
          "request.unexpected_body",
          "This operation takes no request body.",
        );
      return;
    }
    if (!hasBody)
      throw new HttpError(400, "request.body_required", "A JSON request body is required.");
    const text = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
    const size = Buffer.byteLength(text, "utf8");
    if (size > maxBytes) {
      throw new HttpError(
        413,
        "request.body_too_large",
        `The body is ${size} bytes; the limit is ${maxBytes}.`,
      );
    }
    if (!isJson(headerOf(event, "content-type"))) {
      throw new HttpError(
        415,
        "request.unsupported_media_type",
        "Send the body as application/json.",
      );
    }
    try {
      state.json = JSON.parse(text);
    } catch (error) {
      throw new HttpError(
        400,
        "request.malformed_json",
        `The body is not valid JSON: ${(error as Error).message}`,
      );
    }
  },
});
