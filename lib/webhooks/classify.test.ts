import { describe, expect, it } from "vitest";
import { verdictOf } from "#lib/webhooks/classify";

describe("which attempts are retried", () => {
  it.each([200, 201, 202, 204, 299])("%i is a success", (status) => {
    expect(verdictOf({ kind: "response", status })).toBe("succeeded");
  });

  it.each([500, 502, 503, 504, 599, 408, 429])("%i is retried", (status) => {
    expect(verdictOf({ kind: "response", status })).toBe("retry");
  });

  it.each([400, 401, 403, 404, 405, 409, 410, 413, 422, 301, 302, 307, 100])(
    "%i is not retried",
    (status) => {
      expect(verdictOf({ kind: "response", status })).toBe("give_up");
    },
  );

  it("retries timeouts and network errors", () => {
    expect(verdictOf({ kind: "timeout" })).toBe("retry");
    expect(verdictOf({ kind: "network", message: "fetch failed (ECONNREFUSED)" })).toBe("retry");
  });
});
