import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { issueSurveyForEvent } from "#lib/csat/issue";
import { csatRoutes } from "#lib/csat/routes";
import { answerSurvey, getSurvey } from "#lib/csat/service";
import { isBusEvent, parseBusEvent } from "#lib/events/bus-event";
import type { ApiEvent } from "#lib/http/api-event";
import { httpFunction } from "#lib/http/http-function";
import { ok } from "#lib/http/response";
import { logger } from "#lib/observability/logger";

/** `GET /csat/{token}` and `POST /csat/{token}`: public, the survey's token is the credential. */
const api = httpFunction(csatRoutes, {
  getSurvey: async ({ params }) => ok(await getSurvey(params.token)),
  answerSurvey: async ({ params, body }) => ok(await answerSurvey(params.token, body)),
});

/**
 * Target of the `csat-survey` rule (`ticket.solved`): issues the survey of that solving, once.
 * The token is never logged: it goes to the requester through `ticket.csat_requested` only.
 */
const issuer = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const busEvent = parseBusEvent(event);
    const { outcome, surveyId } = await issueSurveyForEvent(busEvent);
    logger.info("CSAT survey", {
      eventId: busEvent.detail.eventId,
      ticketId: busEvent.detail.id,
      outcome,
      surveyId,
    });
  });

/**
 * One function serves the survey's public routes and issues the surveys from `ticket.solved`:
 * the two share the survey's keys and nothing else, but a second function would cost the stack
 * resources it is short of (CloudFormation allows 500 per template). Each invocation is one or
 * the other, told apart by the shape of the event.
 */
export const handler = (event: unknown, context: Context) =>
  isBusEvent(event) ? issuer(event, context) : api(event as ApiEvent, context);
