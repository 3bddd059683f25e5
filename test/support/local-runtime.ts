import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject, vi } from "vitest";
import type { Role } from "#lib/auth/roles";
import { loadSigningKey, mintToken } from "#local/auth";
import type { LocalEventBus } from "#local/event-bus";
import { ALL_INTERFACES, freePort } from "#local/ports";
import { type LocalRuntime, startLocalRuntime } from "#local/runtime";
import { uniqueTableName } from "#test/support/dynamodb";

/**
 * End-to-end tests drive the whole local runtime over HTTP, like a client would. One runtime
 * per test file (handler modules are loaded once per process, and vitest gives each file its
 * own): it uses the run's shared DynamoDB Local with a table of its own when the global setup
 * is there, else starts an in-memory DynamoDB Local of its own. The HTTP port is a free one.
 */

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON for JSON and problem+json responses; the text otherwise; undefined if empty. */
  readonly body: T;
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RequestOptions {
  /** An object or array is sent as JSON; a string is sent as it is. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Query;
}

export interface ApiClient {
  request<T = unknown>(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<ApiResponse<T>>;
  get<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  post<T = unknown>(
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<ApiResponse<T>>;
  put<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  patch<T = unknown>(
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<ApiResponse<T>>;
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
}

export interface TestRuntime {
  readonly runtime: LocalRuntime;
  readonly url: string;
  /** The local bus: `bus.waitFor(...)` for the event a request should cause, `bus.events()`. */
  readonly bus: LocalEventBus;
  /** A client whose requests carry a token for these roles (and user, default `e2e-user`). */
  as(roles: Role | readonly Role[], userId?: string): ApiClient;
  /** A client that sends no token. */
  readonly anonymous: ApiClient;
  token(roles: Role | readonly Role[], userId?: string, ttlSeconds?: number): Promise<string>;
  /**
   * Stops this runtime and starts a new one on the same table and data folder (signing key,
   * stream checkpoint, bus archive), as a developer's Ctrl-C and `npm start` would; the new one
   * has its own bus (`events()` starts empty) and cleans up on `stop()`.
   */
  restart(): Promise<TestRuntime>;
  stop(): Promise<void>;
}

const parseBody = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  if (text === "") return undefined;
  const type = response.headers.get("content-type") ?? "";
  return /[/+]json\b/.test(type) ? JSON.parse(text) : text;
};

export const createApiClient = (
  baseUrl: string,
  authorization?: () => Promise<string>,
): ApiClient => {
  const request = async <T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> => {
    const url = new URL(path, baseUrl);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.append(name, String(value));
    }
    const headers = new Headers(options.headers);
    if (authorization && !headers.has("authorization")) {
      headers.set("authorization", `Bearer ${await authorization()}`);
    }
    let body: string | undefined;
    if (typeof options.body === "string") body = options.body;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    return {
      status: response.status,
      headers: response.headers,
      body: (await parseBody(response)) as T,
    };
  };
  return {
    request,
    get: (path, options) => request("GET", path, options),
    post: (path, body, options) => request("POST", path, { ...options, body }),
    put: (path, body, options) => request("PUT", path, { ...options, body }),
    patch: (path, body, options) => request("PATCH", path, { ...options, body }),
    delete: (path, options) => request("DELETE", path, options),
  };
};

/** A restart reuses the table, which outlives a runtime only in the run's shared DynamoDB Local. */
const start = async (dataDir: string, tableName: string): Promise<TestRuntime> => {
  const sharedEndpoint = inject("dynamoEndpoint");
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      port: 0,
      dataDir,
      inMemory: true,
      dynamoPort: sharedEndpoint ? 0 : await freePort(ALL_INTERFACES),
      ...(sharedEndpoint ? { dynamoEndpoint: sharedEndpoint } : {}),
      tableName,
      quiet: true,
      // Fast enough that tests wait milliseconds for their events, not seconds.
      streamPollIntervalMs: 50,
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const key = await loadSigningKey(dataDir);

  const token = (roles: Role | readonly Role[], userId = "e2e-user", ttlSeconds = 3600) =>
    mintToken(key, { roles: [roles].flat(), userId, ttlSeconds });
  const tokens = new Map<string, Promise<string>>();

  return {
    runtime,
    url: runtime.url,
    bus: runtime.bus,
    token,
    as: (roles, userId = "e2e-user") => {
      const cacheKey = `${[roles].flat().join(",")}|${userId}`;
      return createApiClient(runtime.url, () => {
        const cached = tokens.get(cacheKey) ?? token(roles, userId);
        tokens.set(cacheKey, cached);
        return cached;
      });
    },
    anonymous: createApiClient(runtime.url),
    restart: async () => {
      await runtime.stop();
      // A restarted runtime is a new process: its handler modules load afresh and read the new
      // runtime's settings (the stream publisher binds its client to the bus's endpoint at load).
      vi.resetModules();
      return start(dataDir, tableName);
    },
    stop: async () => {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

export const startTestRuntime = async (): Promise<TestRuntime> =>
  start(await mkdtemp(join(tmpdir(), "crm-e2e-")), uniqueTableName("e2e"));
