import type { MiddlewareObj } from "@middy/core";
import { type ApiEvent, type ApiResult, headerOf } from "#lib/http/api-event";
import { HttpError } from "#lib/http/http-error";

/**
 * The origins whose pages may post the web form, from `WEB_FORM_ALLOWED_ORIGINS` (comma
 * separated; the CDK sets it from the customer's `webForms.allowedOrigins`). Unset: any origin.
 */
export const allowedOrigins = (
  value = process.env.WEB_FORM_ALLOWED_ORIGINS,
): readonly string[] | undefined => {
  const origins = (value ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
  return origins.length > 0 ? origins : undefined;
};

/**
 * Refuses a web form posted from a page of another origin (403). Browsers always send `Origin`
 * on a cross-origin POST and a page cannot forge it, so this stops other sites from embedding
 * the form; a server-side caller sends none and passes. It is a guard against embedding, not an
 * authentication: throttling and the strict schema are what bound abuse.
 */
export const webFormOrigins = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  before: ({ event }) => {
    const allowed = allowedOrigins();
    const origin = headerOf(event, "origin");
    if (allowed === undefined || origin === undefined || allowed.includes(origin)) return;
    throw new HttpError(
      403,
      "web_form.origin_not_allowed",
      `Web forms are not accepted from ${origin}.`,
    );
  },
});
