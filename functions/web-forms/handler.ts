import { httpFunction } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { webFormRoutes } from "#lib/leads/routes";
import { captureWebFormLead } from "#lib/leads/service";
import { webFormOrigins } from "#lib/leads/web-form-origin";

/**
 * The public web-form capture: the one function behind a route without a token. It can only
 * create `web_form` leads, and tells the caller nothing but the new lead's id.
 */
export const handler = httpFunction(
  webFormRoutes,
  {
    captureWebFormLead: async ({ body }) => {
      const { id } = await captureWebFormLead(body);
      return { status: 201, body: { id }, headers: { location: `/leads/${id}` } };
    },
  },
  { idempotency: idempotency(), checks: [webFormOrigins()] },
);
