import { describe, expect, it } from "vitest";
import {
  apiGatewayTime,
  buildApiEvent,
  collectHeaders,
  encodeBody,
  parseQueryString,
  type ReceivedRequest,
} from "#local/api-gateway-event";
import { toJwtAuthorizer } from "#local/auth";

const receivedAt = new Date("2026-03-12T19:03:58.123Z");

const request = (over: Partial<ReceivedRequest> = {}): ReceivedRequest => ({
  method: "GET",
  url: "/contacts/con_1",
  rawHeaders: ["Host", "127.0.0.1:3000", "User-Agent", "curl/8.5.0"],
  httpVersion: "1.1",
  sourceIp: "127.0.0.1",
  localPort: 3000,
  body: Buffer.alloc(0),
  ...over,
});

const route = {
  routeKey: "GET /contacts/{contactId}",
  pathParameters: { contactId: "con_1" },
  authorizer: toJwtAuthorizer({ sub: "alice", "cognito:groups": ["admin", "sales"] }),
  requestId: "JKJaXmPLvHcESHA=",
  receivedAt,
};

describe("API Gateway payload 2.0 events", () => {
  it("carries the route, raw path, request context and authorizer claims", () => {
    // Act
    const event = buildApiEvent(request(), route);
    // Assess
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "GET /contacts/{contactId}",
      rawPath: "/contacts/con_1",
      rawQueryString: "",
      pathParameters: { contactId: "con_1" },
      isBase64Encoded: false,
      requestContext: {
        accountId: "000000000000",
        apiId: "local",
        domainName: "127.0.0.1:3000",
        requestId: "JKJaXmPLvHcESHA=",
        routeKey: "GET /contacts/{contactId}",
        stage: "$default",
        time: "12/Mar/2026:19:03:58 +0000",
        timeEpoch: receivedAt.getTime(),
        http: {
          method: "GET",
          path: "/contacts/con_1",
          protocol: "HTTP/1.1",
          sourceIp: "127.0.0.1",
          userAgent: "curl/8.5.0",
        },
        authorizer: { jwt: { claims: { sub: "alice", "cognito:groups": "[admin sales]" } } },
      },
    });
  });

  it("leaves out what the request does not have, as API Gateway does", () => {
    const event = buildApiEvent(request(), { ...route, pathParameters: {} });
    expect(event).not.toHaveProperty("pathParameters");
    expect(event).not.toHaveProperty("queryStringParameters");
    expect(event).not.toHaveProperty("cookies");
    expect(event).not.toHaveProperty("body");
  });

  it("lower-cases header names, joins repeated headers and moves cookies out", () => {
    const { headers, cookies } = collectHeaders([
      "X-Tag",
      "a",
      "Content-Type",
      "application/json",
      "x-tag",
      "b",
      "Cookie",
      "session=1; theme=dark",
      "cookie",
      "lang=en",
    ]);
    expect(headers).toEqual({ "x-tag": "a,b", "content-type": "application/json" });
    expect(cookies).toEqual(["session=1", "theme=dark", "lang=en"]);
  });

  it("adds the forwarding and trace headers API Gateway adds", () => {
    const event = buildApiEvent(
      request({ rawHeaders: ["X-Forwarded-For", "10.0.0.1"], sourceIp: "::ffff:127.0.0.1" }),
      route,
    );
    expect(event.headers).toMatchObject({
      "x-forwarded-for": "10.0.0.1, 127.0.0.1",
      "x-forwarded-port": "3000",
      "x-forwarded-proto": "http",
    });
    expect(event.headers["x-amzn-trace-id"]).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.requestContext.http.sourceIp).toBe("127.0.0.1");
  });

  it("keeps the raw query string and joins repeated parameters with commas", () => {
    const event = buildApiEvent(
      request({ url: "/contacts?tag=a&tag=b%20c&q=x+y&empty&=ignored" }),
      route,
    );
    expect(event.rawPath).toBe("/contacts");
    expect(event.rawQueryString).toBe("tag=a&tag=b%20c&q=x+y&empty&=ignored");
    expect(event.queryStringParameters).toEqual({ tag: "a,b c", q: "x y", empty: "" });
  });

  it("has no queryStringParameters for an empty query", () => {
    expect(parseQueryString("")).toBeUndefined();
    expect(parseQueryString("=x")).toBeUndefined();
  });

  it("passes textual UTF-8 bodies as text and everything else as base64", () => {
    const json = Buffer.from('{"name":"Zoë"}');
    expect(encodeBody(json, "application/json; charset=utf-8")).toEqual({
      body: '{"name":"Zoë"}',
      isBase64Encoded: false,
    });
    expect(encodeBody(json, "application/problem+json")).toMatchObject({ isBase64Encoded: false });
    expect(encodeBody(json, "text/plain")).toMatchObject({ isBase64Encoded: false });
    expect(encodeBody(json, undefined)).toEqual({
      body: json.toString("base64"),
      isBase64Encoded: true,
    });
    expect(encodeBody(Buffer.from("a=1&b=2"), "application/x-www-form-urlencoded")).toMatchObject({
      isBase64Encoded: true,
    });
    const notUtf8 = Buffer.from([0xff, 0xfe, 0x00]);
    expect(encodeBody(notUtf8, "text/plain")).toEqual({
      body: notUtf8.toString("base64"),
      isBase64Encoded: true,
    });
    expect(encodeBody(Buffer.alloc(0), "application/json")).toEqual({ isBase64Encoded: false });
  });

  it("includes the body in the event", () => {
    const event = buildApiEvent(
      request({
        method: "POST",
        rawHeaders: ["Content-Type", "application/json"],
        body: Buffer.from('{"a":1}'),
      }),
      route,
    );
    expect(event).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
  });

  it("formats requestContext.time like API Gateway", () => {
    expect(apiGatewayTime(new Date("2026-01-05T03:04:05Z"))).toBe("05/Jan/2026:03:04:05 +0000");
  });
});
