import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { interactionsConfig } from "#lib/interactions/config";
import { ingestInteraction } from "#lib/interactions/service";
import { logger } from "#lib/observability/logger";

// Read once per container: the stack sets it at deployment, and a bad value fails every event.
const config = interactionsConfig();

/**
 * Target of the `interaction-ingest` rule: an interaction event from an integration becomes an
 * activity on the matching contacts. An invalid event is logged at ERROR and dropped (retrying
 * cannot fix it); a skipped one is logged at WARN; anything that fails throws, so that the
 * delivery is retried. See docs/events.md ("Inbound interaction events").
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const result = await ingestInteraction(event, config);
    if (result.outcome === "rejected") logger.error("Interaction event rejected", { ...result });
    else if (result.outcome === "skipped") logger.warn("Interaction event skipped", { ...result });
    else logger.info(`Interaction event ${result.outcome}`, { ...result });
  });
