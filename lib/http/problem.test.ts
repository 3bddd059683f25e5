import { describe, expect, it } from "vitest";
import { DomainError, notFound } from "#lib/errors/domain-error";
import { HttpError } from "#lib/http/http-error";
import { isDependencyOutage, toProblem } from "#lib/http/problem";

describe("toProblem", () => {
  it("maps domain errors to their status with a stable code and extensions", () => {
    const { problem } = toProblem(
      new DomainError("conflict", "contact.email_taken", "Taken.", { existingId: "con_1" }),
      "req-1",
    );
    expect(problem).toMatchObject({
      type: "https://crm.dev/problems/contact/email_taken",
      title: "Conflict",
      status: 409,
      code: "contact.email_taken",
      detail: "Taken.",
      requestId: "req-1",
      existingId: "con_1",
    });
    expect(toProblem(notFound("contact", "con_2"), "r").problem.status).toBe(404);
  });

  it("never lets an extension overwrite the standard members", () => {
    const { problem } = toProblem(
      new DomainError("invalid", "x.y", "d", { status: 200, type: "evil" }),
      "r",
    );
    expect(problem.status).toBe(400);
    expect(problem.type).toBe("https://crm.dev/problems/x/y");
  });

  it("carries field errors and headers of HTTP errors", () => {
    const result = toProblem(
      new HttpError(409, "idempotency.in_progress", "Busy.", [{ path: "body.a", message: "m" }], {
        "retry-after": "1",
      }),
      "r",
    );
    expect(result.problem.errors).toEqual([{ path: "body.a", message: "m" }]);
    expect(result.headers).toEqual({ "retry-after": "1" });
  });

  it("turns a DynamoDB outage into 503 with Retry-After", () => {
    const outage = Object.assign(new Error("down"), { name: "ServiceUnavailable" });
    const refused = Object.assign(new Error("socket"), {
      cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
    });
    for (const error of [outage, refused]) {
      const result = toProblem(error, "r");
      expect(result.problem.status).toBe(503);
      expect(result.headers["retry-after"]).toBe("1");
      expect(result.unexpected).toBe(false);
    }
  });

  it("hides the message of unexpected errors and flags them for logging", () => {
    const result = toProblem(new TypeError("secret internals"), "r");
    expect(result.problem.status).toBe(500);
    expect(JSON.stringify(result.problem)).not.toContain("secret internals");
    expect(result.unexpected).toBe(true);
  });

  it("does not mistake ordinary errors for outages", () => {
    expect(isDependencyOutage(new Error("x"))).toBe(false);
    expect(isDependencyOutage("ServiceUnavailable")).toBe(false);
  });
});
