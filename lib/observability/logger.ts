import { Logger } from "@aws-lambda-powertools/logger";

/** The one logger of a function; structured JSON with the request id appended per request. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "crm" });
