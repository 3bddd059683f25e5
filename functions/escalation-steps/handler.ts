import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { escalationTaskInput, runEscalationTask } from "#lib/escalation/steps";
import { logger } from "#lib/observability/logger";

/**
 * The Task states of the ticket escalation state machine: Step Functions invokes it with
 * `{ action: "plan" | "check", ticketId, generation, dueAt? }` and keeps what it returns
 * (`{ done, nextAt }`) in the execution's state. A failure throws; the state's Retry policy runs
 * it again: planning writes nothing, and the check is idempotent.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const input = escalationTaskInput.parse(event);
    const result = await runEscalationTask(input);
    logger.info("Escalation task", {
      action: input.action,
      ticketId: input.ticketId,
      generation: input.generation,
      result,
    });
    return result;
  });
