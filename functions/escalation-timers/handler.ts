import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { applyTicketEvent } from "#lib/escalation/starter";
import { parseBusEvent } from "#lib/events/bus-event";
import { logger } from "#lib/observability/logger";

/**
 * Target of the `escalation-timers` rule (ticket created, updated, replied, solved, deleted):
 * starts, moves and stops the ticket's SLA timer, an execution of the ticket escalation state
 * machine. A failure throws, so EventBridge retries and finally dead-letters the event.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const busEvent = parseBusEvent(event);
    const outcome = await applyTicketEvent(busEvent);
    logger.info("Escalation timer", {
      eventId: busEvent.detail.eventId,
      detailType: busEvent["detail-type"],
      ticketId: busEvent.detail.id,
      version: busEvent.detail.version,
      ...outcome,
    });
    return outcome;
  });
