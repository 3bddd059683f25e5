import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import * as z from "zod/mini";
import { parseBusEvent } from "#lib/events/bus-event";
import { assignLead } from "#lib/lead-assignment/service";
import { logger } from "#lib/observability/logger";

/** Enough of `lead.created`'s data to skip leads created with an owner without reading them. */
const createdLead = z.object({ ownerId: z.optional(z.string()) });

/**
 * Target of the `lead-assignment` rule: each `lead.created` gets an owner from the assignment
 * rules. Idempotent per event: the owner is only written while the lead has none (see
 * `assignLead`). A failure throws, so EventBridge retries and finally dead-letters the event.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const { detail } = parseBusEvent(event);
    const data = createdLead.safeParse(detail.data);
    const result =
      data.success && data.data.ownerId !== undefined
        ? { outcome: "already_owned" as const }
        : await assignLead(detail.id);
    logger.info("Lead assignment", { eventId: detail.eventId, leadId: detail.id, ...result });
    return result;
  });
