import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { ApiEvent } from "#lib/http/api-event";

/**
 * API Gateway HTTP API (payload 2.0) events for calling a handler directly in tests, shaped like
 * the ones API Gateway sends after its JWT authorizer has accepted the token.
 */
export interface EventOptions {
  readonly routeKey: string;
  readonly path?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** `null` for a token without a subject. */
  readonly sub?: string | null;
  /** As API Gateway flattens them: `[admin sales]`. */
  readonly roles?: string;
}

export const apiEvent = (options: EventOptions): ApiEvent => {
  const [method = "GET", template = "/"] = options.routeKey.split(" ");
  const path = options.path ?? template;
  const sub = options.sub === undefined ? "user-1" : options.sub;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  return {
    version: "2.0",
    routeKey: options.routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query).toString(),
    headers: { "content-type": "application/json", ...options.headers },
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.query ? { queryStringParameters: options.query } : {}),
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: "localhost",
      domainPrefix: "localhost",
      requestId: "req-1",
      routeKey: options.routeKey,
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      authorizer: {
        principalId: "",
        integrationLatency: 0,
        jwt: {
          claims: sub === null ? {} : { sub, "cognito:groups": options.roles ?? "[sales]" },
          scopes: [],
        },
      },
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
    },
  } as ApiEvent;
};

export const lambdaContext = {
  awsRequestId: "aws-1",
  functionName: "test",
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

export interface InvokeResult extends APIGatewayProxyStructuredResultV2 {
  readonly json: Record<string, unknown> | undefined;
}

type Handler = (event: ApiEvent, context: Context) => Promise<unknown>;

export const invoke = async (handler: Handler, event: ApiEvent): Promise<InvokeResult> => {
  const result = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
  return {
    ...result,
    json: result.body ? (JSON.parse(result.body) as Record<string, unknown>) : undefined,
  };
};
