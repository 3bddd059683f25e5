import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { isBusEvent, parseBusEvent } from "#lib/events/bus-event";
import { recordDealEvent } from "#lib/forecast/recorder";
import { forecastRoutes } from "#lib/forecast/routes";
import { getForecast } from "#lib/forecast/service";
import type { ApiEvent } from "#lib/http/api-event";
import { httpFunction } from "#lib/http/http-function";
import { ok } from "#lib/http/response";
import { logger } from "#lib/observability/logger";

/** `GET /forecast`. */
const api = httpFunction(forecastRoutes, {
  getForecast: async ({ query }) => ok(await getForecast(query)),
});

/**
 * Target of the `forecast-recorder` rule: a deal event moves the deal between the forecast's
 * buckets. A failure throws, so EventBridge retries and finally dead-letters the event; an
 * event applied once is never applied again.
 */
const recorder = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const busEvent = parseBusEvent(event);
    const outcome = await recordDealEvent(busEvent);
    logger.info("Forecast", {
      eventId: busEvent.detail.eventId,
      dealId: busEvent.detail.id,
      outcome,
    });
  });

/**
 * One function serves the forecast's route and keeps its buckets from the deal events: the two
 * share the forecast's keys and nothing else, but a second function would cost the stack five
 * resources it is short of (CloudFormation allows 500 per template). Each invocation is one or
 * the other, told apart by the shape of the event.
 */
export const handler = (event: unknown, context: Context) =>
  isBusEvent(event) ? recorder(event, context) : api(event as ApiEvent, context);
