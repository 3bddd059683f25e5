import type { MiddlewareObj } from "@middy/core";
import type { ApiEvent, ApiResult } from "#lib/http/api-event";
import { problemResponse, toProblem } from "#lib/http/problem";
import { logger } from "#lib/observability/logger";

/**
 * The one place that turns a thrown error into a response: RFC 9457 problem+json. It is used
 * first so that its onError runs last, after every other middleware had its say.
 */
export const problemResponses = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  onError: (request) => {
    const result = toProblem(request.error, request.event.requestContext?.requestId ?? "unknown");
    if (result.unexpected) logger.error("Unhandled error", { error: request.error });
    else
      logger.info("Request refused", { status: result.problem.status, code: result.problem.code });
    request.response = problemResponse(result);
  },
});
