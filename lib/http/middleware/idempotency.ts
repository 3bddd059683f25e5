import { createHash } from "node:crypto";
import type { MiddlewareObj } from "@middy/core";
import { type ApiEvent, type ApiResult, headerOf, stateOf } from "#lib/http/api-event";
import { HttpError } from "#lib/http/http-error";
import { claim, complete, type IdempotencyClaim, release } from "#lib/http/idempotency-store";
import { routeKey } from "#lib/http/route";

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");

/** JSON with sorted object keys, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

const claims = new WeakMap<ApiEvent, IdempotencyClaim>();

/**
 * `Idempotency-Key` on creating POSTs: a replay returns the first response; the same key with a
 * different body is a 422; a retry while the first attempt still runs is a 409. Keys are scoped
 * to the caller and the route, so two users cannot collide.
 */
export const idempotency = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  before: async ({ event }) => {
    const state = stateOf(event);
    const key = headerOf(event, "idempotency-key");
    if (!state.route.idempotent || key === undefined) return;
    if (!KEY_FORMAT.test(key)) {
      throw new HttpError(
        400,
        "idempotency.invalid_key",
        "Idempotency-Key must be 1 to 255 visible ASCII characters.",
      );
    }
    const scope = sha256(
      [state.principal?.userId, routeKey(state.route), event.rawPath, key].join("\n"),
    );
    const outcome = await claim(scope, sha256(canonicalJson(state.json)));
    switch (outcome.kind) {
      case "claimed":
        claims.set(event, outcome.claim);
        return;
      case "replay":
        return {
          ...outcome.response,
          headers: { ...outcome.response.headers, "idempotent-replayed": "true" },
        };
      case "mismatch":
        throw new HttpError(
          422,
          "idempotency.key_reused",
          "This Idempotency-Key was already used with a different request body.",
        );
      case "in_progress":
        throw new HttpError(
          409,
          "idempotency.in_progress",
          "A request with this Idempotency-Key is still being processed. Retry shortly.",
          [],
          { "retry-after": "1" },
        );
    }
  },
  after: async ({ event, response }) => {
    const held = claims.get(event);
    if (held && response) await complete(held, response);
  },
  onError: async ({ event }) => {
    const held = claims.get(event);
    if (held) await release(held);
  },
});
