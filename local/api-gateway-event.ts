import { randomBytes } from "node:crypto";
import type { APIGatewayEventRequestContextJWTAuthorizer } from "aws-lambda";
import type { ApiEvent } from "#lib/http/api-event";

/**
 * Builds the event API Gateway HTTP APIs send to a Lambda integration (payload format 2.0), from
 * a request as Node's HTTP server receives it. The details follow AWS's documentation of the
 * format, so that a handler behaves the same locally as behind API Gateway:
 * - header names are lower-cased and repeated headers are joined with commas;
 * - `cookie` headers are taken out of `headers` and split into `cookies`;
 * - repeated query parameters are joined with commas; values are decoded;
 * - `pathParameters`, `queryStringParameters`, `cookies` and `body` are absent, not empty, when
 *   the request has none;
 * - a body is text when its content type is textual and it is valid UTF-8, and base64
 *   otherwise. Like API Gateway, that includes form posts (`x-www-form-urlencoded`).
 */

export interface ReceivedRequest {
  readonly method: string;
  /** The request target as sent: path and query, still percent-encoded. */
  readonly url: string;
  /** Node's `rawHeaders`: names and values alternating, in the order they arrived. */
  readonly rawHeaders: readonly string[];
  readonly httpVersion: string;
  readonly sourceIp: string;
  readonly localPort: number;
  readonly body: Buffer;
}

export interface RouteContext {
  /** `METHOD /path/{param}`, as declared. */
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Absent on a public route: API Gateway runs no authorizer there. */
  readonly authorizer?: APIGatewayEventRequestContextJWTAuthorizer;
  readonly requestId: string;
  readonly receivedAt: Date;
}

/** The account id that local ARNs and events carry; AWS's reserved all-zero example. */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** API Gateway's request ids look like `JKJaXmPLvHcESHA=`: 10 random bytes in base64. */
export const newRequestId = (): string => randomBytes(10).toString("base64");

/** An X-Ray trace header, as API Gateway adds to every request it forwards. */
const traceId = (receivedAt: Date) =>
  `Root=1-${Math.floor(receivedAt.getTime() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** `requestContext.time`, in API Gateway's format: `12/Mar/2020:19:03:58 +0000`. */
export const apiGatewayTime = (date: Date): string =>
  `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
  `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;

export interface CollectedHeaders {
  readonly headers: Record<string, string>;
  readonly cookies: string[];
}

export const collectHeaders = (rawHeaders: readonly string[]): CollectedHeaders => {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? "").toLowerCase();
    const value = rawHeaders[i + 1] ?? "";
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((cookie) => cookie.trim())
          .filter((cookie) => cookie.length > 0),
      );
      continue;
    }
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return { headers, cookies };
};

export const parseQueryString = (rawQueryString: string): Record<string, string> | undefined => {
  if (rawQueryString === "") return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    if (name === "") continue;
    const previous = parameters[name];
    parameters[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
};

const TEXTUAL =
  /^\s*(text\/[^;]+|application\/(?:[\w.-]+\+)?(?:json|xml)|application\/(?:javascript|ecmascript))\s*(;|$)/i;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The body as API Gateway passes it: text for textual UTF-8 content, base64 otherwise. */
export const encodeBody = (
  body: Buffer,
  contentType: string | undefined,
): { body?: string; isBase64Encoded: boolean } => {
  if (body.length === 0) return { isBase64Encoded: false };
  if (contentType !== undefined && TEXTUAL.test(contentType)) {
    try {
      return { body: strictUtf8.decode(body), isBase64Encoded: false };
    } catch {
      // Not UTF-8 after all: send it as binary, as API Gateway would.
    }
  }
  return { body: body.toString("base64"), isBase64Encoded: true };
};

export const buildApiEvent = (request: ReceivedRequest, route: RouteContext): ApiEvent => {
  const queryAt = request.url.indexOf("?");
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? "" : request.url.slice(queryAt + 1).replace(/#.*$/, "");
  const { headers, cookies } = collectHeaders(request.rawHeaders);
  const sourceIp = request.sourceIp.replace(/^::ffff:/, "");

  // What API Gateway adds on the way in.
  headers["x-forwarded-for"] = headers["x-forwarded-for"]
    ? `${headers["x-forwarded-for"]}, ${sourceIp}`
    : sourceIp;
  headers["x-forwarded-port"] = String(request.localPort);
  headers["x-forwarded-proto"] = "http";
  headers["x-amzn-trace-id"] = traceId(route.receivedAt);

  const domainName = headers.host ?? "localhost";
  const queryStringParameters = parseQueryString(rawQueryString);
  const hasPathParameters = Object.keys(route.pathParameters).length > 0;

  const event = {
    version: "2.0",
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: "local",
      ...(route.authorizer ? { authorizer: route.authorizer } : {}),
      domainName,
      domainPrefix: domainName.split(".")[0] ?? domainName,
      http: {
        method: request.method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: route.requestId,
      routeKey: route.routeKey,
      stage: "$default",
      time: apiGatewayTime(route.receivedAt),
      timeEpoch: route.receivedAt.getTime(),
    },
    ...(hasPathParameters ? { pathParameters: { ...route.pathParameters } } : {}),
    ...encodeBody(request.body, headers["content-type"]),
  };
  // The event type models a JWT-authorized route; a public route's event has no authorizer,
  // as in AWS, and the authorization middleware reads it optionally.
  return event as ApiEvent;
};
