import { companyRoutes } from "#lib/companies/routes";
import { contactRoutes } from "#lib/contacts/routes";
import { customFieldRoutes } from "#lib/custom-fields/routes";
import { eventFeedRoutes } from "#lib/event-feed/routes";
import { historyRoutes } from "#lib/history/routes";
import type { RouteDeclaration } from "#lib/http/route";
import { openapiRoutes } from "#lib/openapi/routes";
import { webhookRoutes } from "#lib/webhooks/routes";

/**
 * The route table: every API route of the CRM. The CDK creates exactly these API Gateway routes,
 * the local runtime serves exactly these, and the OpenAPI document describes exactly these.
 * Each capability declares its own routes next to its schemas; this list only gathers them.
 */
export const routes: readonly RouteDeclaration[] = [
  ...contactRoutes,
  ...companyRoutes,
  ...customFieldRoutes,
  ...historyRoutes,
  ...eventFeedRoutes,
  ...webhookRoutes,
  ...openapiRoutes,
];
