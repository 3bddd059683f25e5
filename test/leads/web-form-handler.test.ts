import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/web-forms/handler";
import type { ApiEvent } from "#lib/http/api-event";
import { getLead } from "#lib/leads/service";
import { apiEvent, invoke } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";

const ROUTE = "POST /web-forms/leads";
const form = { email: "visitor@example.com", firstName: "Vera", consent: true, honeypot: "" };

/** As API Gateway sends it for a route without an authorizer: no `authorizer` at all. */
const anonymousEvent = (body: unknown, headers: Record<string, string> = {}): ApiEvent => {
  const event = apiEvent({ routeKey: ROUTE, body, headers });
  const { authorizer: _none, ...requestContext } = event.requestContext;
  return { ...event, requestContext } as ApiEvent;
};

beforeAll(async () => {
  await createTestTable("web-forms");
});

afterEach(() => {
  delete process.env.WEB_FORM_ALLOWED_ORIGINS;
});

describe("the web-form capture function", () => {
  it("creates a lead without a token and answers with its id only", async () => {
    const result = await invoke(handler, anonymousEvent(form));
    expect(result.statusCode).toBe(201);
    expect(Object.keys(result.json ?? {})).toEqual(["id"]);
    const id = String(result.json?.id);
    expect(result.headers).toMatchObject({ location: `/leads/${id}` });
    expect(result.headers).not.toHaveProperty("etag");
    expect(await getLead(id)).toMatchObject({
      firstName: "Vera",
      source: "web_form",
      createdBy: "web-form",
    });
  });

  it("ignores claims sent to it: no authorizer verified them", async () => {
    const event = apiEvent({ routeKey: ROUTE, body: form, sub: "forged-admin", roles: "[admin]" });
    const result = await invoke(handler, event);
    expect(result.statusCode).toBe(201);
    expect(await getLead(String(result.json?.id))).toMatchObject({ createdBy: "web-form" });
  });

  it("replays an Idempotency-Key instead of creating a second lead", async () => {
    const headers = { "idempotency-key": "form-submit-1" };
    const first = await invoke(handler, anonymousEvent(form, headers));
    const second = await invoke(handler, anonymousEvent(form, headers));
    expect(second.statusCode).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(second.headers).toMatchObject({ "idempotent-replayed": "true" });
    const other = await invoke(handler, anonymousEvent({ ...form, firstName: "Eve" }, headers));
    expect(other.statusCode).toBe(422);
  });

  it("refuses bad input with the fields that are wrong", async () => {
    const result = await invoke(
      handler,
      anonymousEvent({ ...form, email: "nope", honeypot: "buy now", ownerId: "me" }),
    );
    expect(result.statusCode).toBe(400);
    const errors = (result.json?.errors ?? []) as { path: string }[];
    const paths = errors.map((e) => e.path).sort();
    expect(paths).toEqual(["body", "body.email", "body.honeypot"]);
  });

  it("refuses pages of other origins when origins are configured", async () => {
    process.env.WEB_FORM_ALLOWED_ORIGINS = "https://www.acme.example, https://acme.example";
    const foreign = await invoke(handler, anonymousEvent(form, { origin: "https://evil.example" }));
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json).toMatchObject({ code: "web_form.origin_not_allowed" });
    const own = await invoke(handler, anonymousEvent(form, { origin: "https://acme.example" }));
    expect(own.statusCode).toBe(201);
    // A server-side post sends no Origin.
    expect((await invoke(handler, anonymousEvent(form))).statusCode).toBe(201);
  });
});
