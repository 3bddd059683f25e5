import { activityRoutes } from "#lib/activities/routes";
import { commentRoutes } from "#lib/comments/routes";
import { companyRoutes } from "#lib/companies/routes";
import { contactRoutes } from "#lib/contacts/routes";
import { csatRoutes } from "#lib/csat/routes";
import { customFieldRoutes } from "#lib/custom-fields/routes";
import { dealRoutes } from "#lib/deals/routes";
import { eventFeedRoutes } from "#lib/event-feed/routes";
import { forecastRoutes } from "#lib/forecast/routes";
import { historyRoutes } from "#lib/history/routes";
import type { RouteDeclaration } from "#lib/http/route";
import { leadAssignmentRoutes } from "#lib/lead-assignment/routes";
import { leadConversionRoutes } from "#lib/lead-conversion/routes";
import { leadScoringRoutes } from "#lib/lead-scoring/routes";
import { leadRoutes, webFormRoutes } from "#lib/leads/routes";
import { openapiRoutes } from "#lib/openapi/routes";
import { pipelineRoutes } from "#lib/pipelines/routes";
import { reportRoutes } from "#lib/reports/routes";
import { slaPolicyRoutes } from "#lib/sla-policies/routes";
import { taskRoutes } from "#lib/tasks/routes";
import { ticketRoutes } from "#lib/tickets/routes";
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
  ...leadRoutes,
  ...leadAssignmentRoutes,
  ...leadConversionRoutes,
  ...leadScoringRoutes,
  ...webFormRoutes,
  ...pipelineRoutes,
  ...dealRoutes,
  ...forecastRoutes,
  ...commentRoutes,
  ...activityRoutes,
  ...taskRoutes,
  ...ticketRoutes,
  ...slaPolicyRoutes,
  ...csatRoutes,
  ...reportRoutes,
  ...openapiRoutes,
];
