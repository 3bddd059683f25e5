import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "#lib/http/problem";
import { type LocalSigningKey, loadSigningKey, mintToken } from "#local/auth";
import { createFunctionInvoker, type FunctionInvoker } from "#local/function-invoker";
import {
  LOCAL_HOST,
  type LocalHttpServer,
  MAX_BODY_BYTES,
  startHttpServer,
} from "#local/http-server";
import { StartupError } from "#local/startup-error";

const ECHO = "test/local/fixtures/echo-handler.ts";

const functions = {
  echo: { entry: ECHO },
  slow: { entry: ECHO, timeoutSeconds: 1, memorySize: 256 },
  headless: { entry: "test/local/fixtures/no-handler.ts" },
  missing: { entry: "test/local/fixtures/does-not-exist.ts" },
};

const route = (method: string, path: string, fn: keyof typeof functions = "echo") => ({
  method,
  path,
  function: fn,
  operationId: `${method.toLowerCase()}${path.replace(/\W/g, "_")}`,
});

const routes = [
  route("GET", "/echo/{id}"),
  route("POST", "/echo/{id}"),
  route("GET", "/throw"),
  route("GET", "/slow", "slow"),
  route("GET", "/plain"),
  route("GET", "/string"),
  route("GET", "/malformed"),
  route("GET", "/binary"),
  route("GET", "/cookies"),
  route("GET", "/headless", "headless"),
  route("GET", "/missing", "missing"),
];

let dataDir: string;
let key: LocalSigningKey;
let server: LocalHttpServer;
let adminToken: string;
const invoked: string[] = [];
const failures: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "crm-http-"));
  key = await loadSigningKey(dataDir);
  adminToken = await mintToken(key, {
    userId: "alice",
    roles: ["admin", "sales"],
    ttlSeconds: 600,
  });
  const real = createFunctionInvoker({ functions, region: "us-east-1" });
  // Records which functions ran, to prove the authorizer answers before any handler does.
  const invoker: FunctionInvoker = {
    invoke: (name, event) => {
      invoked.push(name);
      return real.invoke(name, event);
    },
  };
  server = await startHttpServer({
    routes,
    invoker,
    signingKey: key,
    port: 0,
    logError: (message) => failures.push(message),
  });
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const call = (path: string, init: RequestInit = {}, token: string | null = adminToken) => {
  const headers = new Headers(init.headers);
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  return fetch(`${server.url}${path}`, { ...init, headers });
};

const expectProblem = async (response: Response, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const problem = (await response.json()) as Problem;
  expect(problem).toMatchObject({
    status,
    code,
    type: expect.stringContaining("https://"),
    title: expect.any(String),
  });
  expect(problem.detail).toEqual(expect.any(String));
  expect(problem.requestId).toBe(response.headers.get("apigw-requestid"));
  return problem;
};

interface Echo {
  event: {
    routeKey: string;
    rawPath: string;
    rawQueryString: string;
    headers: Record<string, string>;
    cookies?: string[];
    queryStringParameters?: Record<string, string>;
    pathParameters?: Record<string, string>;
    body?: string;
    isBase64Encoded: boolean;
    requestContext: {
      requestId: string;
      http: { method: string; path: string; sourceIp: string };
      authorizer: { jwt: { claims: Record<string, string>; scopes: string[] | null } };
    };
  };
  context: {
    awsRequestId: string;
    functionName: string;
    memoryLimitInMB: string;
    remaining: number;
  };
  loads: number;
}

describe("the local API Gateway", () => {
  it("listens on loopback only", () => {
    expect(server.url).toBe(`http://${LOCAL_HOST}:${server.port}`);
  });

  it("answers an unknown path with a 404 problem", async () => {
    const response = await call("/nowhere");
    await expectProblem(response, 404, "route.not_found");
  });

  it("answers a known path with the wrong method with 405 and allow", async () => {
    const response = await call("/echo/1", { method: "DELETE" });
    expect(response.headers.get("allow")).toBe("GET, POST");
    await expectProblem(response, 405, "route.method_not_allowed");
  });

  describe("the JWT authorizer", () => {
    it("refuses a request without a token before the handler runs", async () => {
      const before = invoked.length;
      const response = await call("/echo/1", {}, null);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      await expectProblem(response, 401, "auth.unauthenticated");
      expect(invoked.length).toBe(before);
    });

    it("refuses expired, forged and malformed tokens before the handler runs", async () => {
      const before = invoked.length;
      const expired = await mintToken(key, {
        userId: "alice",
        roles: ["admin"],
        ttlSeconds: 60,
        issuedAt: Math.floor(Date.now() / 1000) - 3600,
      });
      const [header, payload] = adminToken.split(".");
      for (const [token, why] of [
        [expired, /expired/],
        [`${header}.${payload}.AAAA`, /signature/],
        ["garbage", /malformed/],
      ] as const) {
        const response = await call("/echo/1", {}, token);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
        const problem = await expectProblem(response, 401, "auth.unauthenticated");
        expect(problem.detail).toMatch(why);
      }
      expect(invoked.length).toBe(before);
    });
  });

  it("passes a realistic payload 2.0 event and a Lambda context to the handler", async () => {
    // Act
    const response = await call("/echo/a%20b?tag=x&tag=y&q=1", {
      headers: { "x-custom": "v", cookie: "s=1; t=2", "user-agent": "vitest" },
    });
    // Assess
    expect(response.status).toBe(200);
    const { event, context } = (await response.json()) as Echo;
    const requestId = response.headers.get("apigw-requestid");
    expect(requestId).toMatch(/^[A-Za-z0-9+/]{14}==?$/);
    expect(event).toMatchObject({
      routeKey: "GET /echo/{id}",
      rawPath: "/echo/a%20b",
      rawQueryString: "tag=x&tag=y&q=1",
      pathParameters: { id: "a b" },
      queryStringParameters: { tag: "x,y", q: "1" },
      cookies: ["s=1", "t=2"],
      isBase64Encoded: false,
      requestContext: {
        requestId,
        http: { method: "GET", path: "/echo/a%20b", sourceIp: "127.0.0.1" },
        authorizer: {
          jwt: { claims: { sub: "alice", "cognito:groups": "[admin sales]" }, scopes: null },
        },
      },
    });
    expect(event.headers).toMatchObject({ "x-custom": "v", "user-agent": "vitest" });
    expect(event.headers).not.toHaveProperty("cookie");
    expect(event).not.toHaveProperty("body");
    expect(context).toMatchObject({ functionName: "crm-local-echo", memoryLimitInMB: "1024" });
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.remaining).toBeGreaterThan(9_000);
  });

  it("joins repeated request headers with commas", async () => {
    const body = await new Promise<string>((resolveBody, reject) => {
      const request = httpRequest(`${server.url}/echo/1`, {
        // A flat list keeps both x-tag lines; with it Node adds no Host header of its own.
        headers: [
          "Host",
          `${LOCAL_HOST}:${server.port}`,
          "Authorization",
          `Bearer ${adminToken}`,
          "X-Tag",
          "a",
          "x-tag",
          "b",
        ],
      });
      request.on("response", (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
        });
        response.on("end", () => resolveBody(text));
      });
      request.on("error", reject);
      request.end();
    });
    expect((JSON.parse(body) as Echo).event.headers["x-tag"]).toBe("a,b");
  });

  it("passes JSON bodies as text and binary bodies as base64", async () => {
    const json = await call("/echo/1", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name":"Zoë"}',
    });
    expect((await json.json()) as Echo).toMatchObject({
      event: { body: '{"name":"Zoë"}', isBase64Encoded: false },
    });

    const bytes = Buffer.from([0, 159, 146, 150]);
    const binary = await call("/echo/1", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect((await binary.json()) as Echo).toMatchObject({
      event: { body: bytes.toString("base64"), isBase64Encoded: true },
    });
  });

  it("loads each function module once, on its first request", async () => {
    await call("/echo/1");
    const { loads } = (await (await call("/echo/2")).json()) as Echo;
    expect(loads).toBe(1);
  });

  it("refuses bodies over API Gateway's 10 MB with a 413 problem", async () => {
    const response = await call("/echo/1", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
    });
    await expectProblem(response, 413, "request.body_too_large");
  });

  it("accepts a body of exactly 10 MB", async () => {
    const response = await call("/echo/1", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: Buffer.alloc(MAX_BODY_BYTES, 0x61),
    });
    expect(response.status).toBe(200);
  });

  it("refuses an announced oversized body before it is sent (Expect: 100-continue)", async () => {
    const status = await new Promise<number>((resolveStatus, reject) => {
      const request = httpRequest(`${server.url}/echo/1`, {
        method: "POST",
        headers: { "content-length": String(MAX_BODY_BYTES + 1), expect: "100-continue" },
      });
      request.on("continue", () => reject(new Error("the server asked for the body")));
      request.on("response", (response) => {
        response.resume();
        resolveStatus(response.statusCode ?? 0);
        request.destroy();
      });
      request.on("error", () => undefined);
      request.flushHeaders();
    });
    expect(status).toBe(413);
  });

  describe("turns the handler's result into the response", () => {
    it("sends a plain object as JSON with status 200", async () => {
      const response = await call("/plain");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toEqual({ hello: "world" });
    });

    it("sends a string as the body", async () => {
      expect(await (await call("/string")).text()).toBe("just text");
    });

    it("decodes a base64 body", async () => {
      const response = await call("/binary");
      expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    });

    it("sends cookies as set-cookie headers and stringifies header values", async () => {
      const response = await call("/cookies");
      expect(response.status).toBe(204);
      expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
      expect(response.headers.get("x-count")).toBe("2");
      expect(response.headers.get("apigw-requestid")).toBeTruthy();
    });

    it.each([
      ["a handler that throws", "/throw"],
      ["a malformed response", "/malformed"],
      ["a module without a handler", "/headless"],
      ["a module that does not exist", "/missing"],
    ])("answers 500 for %s and reports it", async (_why, path) => {
      const before = failures.length;
      await expectProblem(await call(path), 500, "internal");
      expect(failures.length).toBe(before + 1);
    });

    it("answers 500 when the function runs past its timeout", async () => {
      const started = Date.now();
      const problem = await expectProblem(await call("/slow"), 500, "internal");
      expect(problem.detail).toMatch(/timed out after 1 s/);
      expect(Date.now() - started).toBeLessThan(2_500);
    });
  });

  it("fails to start with a one-line error when its port is taken", async () => {
    await expect(
      startHttpServer({
        routes,
        invoker: { invoke: async () => ({ outcome: "returned", result: 1, coldStart: false }) },
        signingKey: key,
        port: server.port,
      }),
    ).rejects.toThrow(StartupError);
    await expect(
      startHttpServer({
        routes,
        invoker: { invoke: async () => ({ outcome: "returned", result: 1, coldStart: false }) },
        signingKey: key,
        port: server.port,
      }),
    ).rejects.toMatchObject({
      code: "port_in_use",
      message: expect.stringContaining(`Port ${server.port}`),
    });
  });
});
