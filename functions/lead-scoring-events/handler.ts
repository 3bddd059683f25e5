import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { handleScoringEvent, labelOf } from "#lib/lead-scoring/consumer";
import { logger } from "#lib/observability/logger";

/**
 * Target of the `lead-scoring-crm` and `lead-scoring-engagement` rules: lead and activity events,
 * and integrations' engagement events, become signals and re-scored leads. An integration's
 * invalid event is logged at ERROR and dropped (retrying cannot fix it); anything that fails
 * throws, so that the delivery is retried. See docs/lead-scoring.md.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const label = labelOf(event);
    const result = await handleScoringEvent(event);
    if (result.outcome === "rejected")
      logger.error("Scoring event rejected", { ...label, ...result });
    else logger.info(`Scoring event ${result.outcome}`, { ...label, ...result });
    return result;
  });
