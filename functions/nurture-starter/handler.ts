import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { parseBusEvent } from "#lib/events/bus-event";
import { startNurturing } from "#lib/nurturing/starter";
import { logger } from "#lib/observability/logger";

/**
 * Target of the `nurture-start` rule (`lead.created`): starts the lead nurturing state machine
 * under a name derived from the lead, so a redelivered event starts no second execution. A
 * failure throws, so EventBridge retries and finally dead-letters the event.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const busEvent = parseBusEvent(event);
    const outcome = await startNurturing(busEvent);
    logger.info("Nurturing", {
      eventId: busEvent.detail.eventId,
      leadId: busEvent.detail.id,
      ...outcome,
    });
    return outcome;
  });
