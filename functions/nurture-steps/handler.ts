import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { nurtureTaskInput, runNurtureTask } from "#lib/nurturing/steps";
import { logger } from "#lib/observability/logger";

/**
 * The Task states of the lead nurturing state machine: Step Functions invokes it with
 * `{ action, leadId, ... }` (the state's Parameters) and puts what it returns into the execution's
 * state. A failure throws; the state's Retry policy runs it again, and the actions are idempotent.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const input = nurtureTaskInput.parse(event);
    const result = await runNurtureTask(input);
    logger.info("Nurture task", { action: input.action, leadId: input.leadId, result });
    return result;
  });
