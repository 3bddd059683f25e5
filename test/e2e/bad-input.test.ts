import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contact } from "#lib/contacts/schema";
import type { Page } from "#lib/http/response";
import {
  type ApiClient,
  createApiClient,
  startTestRuntime,
  type TestRuntime,
} from "#test/support/local-runtime";

/**
 * Every kind of bad request is a clear 4xx problem+json, and nothing is stored: after each one,
 * the account still holds no contact.
 */
let crm: TestRuntime;
let sales: ApiClient;

beforeAll(async () => {
  crm = await startTestRuntime();
  sales = crm.as("sales");
});

afterAll(async () => {
  await crm?.stop();
});

const storedContacts = async () =>
  (await crm.as("admin").get<Page<Contact>>("/contacts")).body.data;

const expectProblem = async (
  response: Promise<{ status: number; headers: Headers; body: unknown }>,
  status: number,
  code?: string,
) => {
  const result = await response;
  expect(result.status).toBe(status);
  expect(result.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(result.body).toMatchObject({ status, ...(code ? { code } : {}) });
  expect(await storedContacts()).toEqual([]);
  return result.body as { errors?: { path: string; message: string }[] };
};

describe("bad bodies", () => {
  it("refuses malformed JSON", async () => {
    await expectProblem(
      sales.post("/contacts", '{"firstName": "Ada",', {
        headers: { "content-type": "application/json" },
      }),
      400,
      "request.malformed_json",
    );
  });

  it("refuses unknown fields, naming them", async () => {
    const problem = await expectProblem(
      sales.post("/contacts", { firstName: "Ada", version: 7, createdBy: "me" }),
      400,
      "request.validation_failed",
    );
    expect(problem.errors?.[0]?.message).toMatch(/version.*createdBy|createdBy.*version/);
  });

  it("refuses wrong types, field by field", async () => {
    const problem = await expectProblem(
      sales.post("/contacts", {
        firstName: ["Ada"],
        emails: "ada@example.com",
        phones: [{ number: "abc" }],
      }),
      400,
      "request.validation_failed",
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining(["body.firstName", "body.emails", "body.phones.0.number"]),
    );
  });

  it("refuses a body over 64 KiB with 413, and one over API Gateway's 10 MB too", async () => {
    await expectProblem(
      sales.post("/contacts", { firstName: "A", jobTitle: "x".repeat(70_000) }),
      413,
      "request.body_too_large",
    );
    await expectProblem(
      sales.post("/contacts", JSON.stringify({ firstName: "x".repeat(10_500_000) }), {
        headers: { "content-type": "application/json" },
      }),
      413,
    );
  });

  it("refuses a body that is not JSON with 415", async () => {
    await expectProblem(
      sales.post("/contacts", "firstName=Ada", {
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
    );
  });

  it("refuses an invalid custom field value", async () => {
    await expectProblem(
      sales.post("/contacts", { firstName: "Ada", customFields: { undefinedField: 1 } }),
      400,
      "contact.invalid_custom_fields",
    );
  });
});

describe("bad tokens and roles", () => {
  it("refuses a request without a token", async () => {
    await expectProblem(crm.anonymous.post("/contacts", { firstName: "Ada" }), 401);
  });

  it("refuses a forged token", async () => {
    const token = await crm.token("admin");
    const [header, payload] = token.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()),
        sub: "mallory",
      }),
    ).toString("base64url");
    const forged = createApiClient(
      crm.url,
      async () => `${header}.${forgedPayload}.${token.split(".")[2]}`,
    );
    await expectProblem(forged.post("/contacts", { firstName: "Ada" }), 401);
    const garbage = createApiClient(crm.url, async () => "not-a-jwt");
    await expectProblem(garbage.post("/contacts", { firstName: "Ada" }), 401);
  });

  it("refuses an expired token", async () => {
    const expired = await crm.token("admin", "late", -120);
    await expectProblem(
      createApiClient(crm.url, async () => expired).post("/contacts", { firstName: "Ada" }),
      401,
    );
  });

  it("refuses a role that may not write, and one that may not define fields", async () => {
    await expectProblem(
      crm.as("read-only").post("/contacts", { firstName: "Ada" }),
      403,
      "auth.forbidden",
    );
    await expectProblem(
      sales.post("/custom-fields", { entity: "contact", key: "x", label: "X", type: "text" }),
      403,
      "auth.forbidden",
    );
    await expectProblem(
      crm.as("marketing").delete("/contacts/con_01J00000000000000000000000"),
      403,
      "auth.forbidden",
    );
  });
});

describe("bad parameters", () => {
  it("refuses a malformed id, an unknown query parameter and a bad limit", async () => {
    await expectProblem(sales.get("/contacts/not-an-id"), 400, "request.validation_failed");
    await expectProblem(
      sales.get("/contacts", { query: { sort: "name" } }),
      400,
      "request.validation_failed",
    );
    await expectProblem(
      sales.get("/contacts", { query: { limit: 1000 } }),
      400,
      "request.validation_failed",
    );
  });

  it("refuses a cursor that was not issued by the API", async () => {
    await expectProblem(
      sales.get("/contacts", { query: { cursor: "eyJrIjp7InBrIjoieCJ9fQ" } }),
      400,
      "request.invalid_cursor",
    );
  });

  it("answers 404 for an unknown path and 405 for a wrong method", async () => {
    const unknown = await sales.get("/nothing-here");
    expect(unknown.status).toBe(404);
    const wrongMethod = await sales.request("PUT", "/contacts");
    expect(wrongMethod.status).toBe(405);
  });
});
