import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Company } from "#lib/companies/schema";
import type { Contact } from "#lib/contacts/schema";
import type { Page } from "#lib/http/response";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/** A client's whole journey through contacts, companies and custom fields, over HTTP. */
let crm: TestRuntime;
let admin: ApiClient;
let sales: ApiClient;
let reader: ApiClient;

beforeAll(async () => {
  crm = await startTestRuntime();
  admin = crm.as("admin", "admin-1");
  sales = crm.as("sales", "seller-1");
  reader = crm.as("read-only", "viewer-1");
});

afterAll(async () => {
  await crm?.stop();
});

describe("contacts and companies over HTTP", () => {
  it("creates, associates, lists, changes with If-Match and deletes", async () => {
    const field = await admin.post("/custom-fields", {
      entity: "contact",
      key: "tier",
      label: "Tier",
      type: "single_select",
      options: ["gold", "silver"],
    });
    expect(field.status).toBe(201);

    const company = await sales.post<Company>("/companies", {
      name: "Analytical Engines",
      domain: "https://www.Engines.example/",
      industry: "Computing",
    });
    expect(company.status).toBe(201);
    expect(company.body.domain).toBe("engines.example");
    expect(company.headers.get("location")).toBe(`/companies/${company.body.id}`);

    const ada = await sales.post<Contact>(
      "/contacts",
      {
        firstName: "Ada",
        lastName: "Lovelace",
        emails: ["Ada@Engines.example"],
        tags: ["VIP"],
        customFields: { tier: "gold" },
      },
      { headers: { "idempotency-key": "create-ada" } },
    );
    expect(ada.status).toBe(201);
    expect(ada.headers.get("etag")).toBe('"1"');
    expect(ada.body).toMatchObject({
      emails: ["ada@engines.example"],
      tags: ["vip"],
      createdBy: "seller-1",
      version: 1,
    });

    const replay = await sales.post<Contact>(
      "/contacts",
      {
        firstName: "Ada",
        lastName: "Lovelace",
        emails: ["Ada@Engines.example"],
        tags: ["VIP"],
        customFields: { tier: "gold" },
      },
      { headers: { "idempotency-key": "create-ada" } },
    );
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(ada.body.id);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");

    const duplicate = await sales.post("/contacts", {
      firstName: "Imposter",
      emails: ["ada@engines.example"],
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get("content-type")).toBe("application/problem+json");
    expect(duplicate.body).toMatchObject({ code: "contact.email_taken", existingId: ada.body.id });

    const associated = await sales.put<Contact>(
      `/contacts/${ada.body.id}/companies/${company.body.id}`,
      { role: "Founder" },
    );
    expect(associated.status).toBe(200);
    expect(associated.body.companies).toEqual([{ companyId: company.body.id, role: "Founder" }]);

    const members = await reader.get<Page<Contact>>(`/companies/${company.body.id}/contacts`);
    expect(members.body.data.map((c) => c.id)).toEqual([ada.body.id]);
    for (const query of [
      { tag: "vip" },
      { email: "ADA@engines.example" },
      { q: "ada lov" },
      { companyId: company.body.id },
    ]) {
      const found = await reader.get<Page<Contact>>("/contacts", { query });
      expect(found.status, JSON.stringify(query)).toBe(200);
      expect(
        found.body.data.map((c) => c.id),
        JSON.stringify(query),
      ).toEqual([ada.body.id]);
    }

    const etag = associated.headers.get("etag") as string;
    const changed = await sales.patch<Contact>(
      `/contacts/${ada.body.id}`,
      { jobTitle: "Countess", lifecycleStage: "customer" },
      { headers: { "if-match": etag } },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      jobTitle: "Countess",
      lifecycleStage: "customer",
      version: 3,
    });

    const stale = await sales.patch(
      `/contacts/${ada.body.id}`,
      { jobTitle: "Lost update" },
      { headers: { "if-match": etag } },
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: "contact.version_mismatch", currentVersion: 3 });
    expect((await reader.get<Contact>(`/contacts/${ada.body.id}`)).body.jobTitle).toBe("Countess");

    const blocked = await sales.delete(`/companies/${company.body.id}`);
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: "company.has_contacts" });

    expect(
      (await sales.delete(`/contacts/${ada.body.id}`, { headers: { "if-match": '"3"' } })).status,
    ).toBe(204);
    expect((await reader.get(`/contacts/${ada.body.id}`)).status).toBe(404);
    expect((await sales.delete(`/companies/${company.body.id}`)).status).toBe(204);
    expect((await reader.get(`/companies/${company.body.id}`)).status).toBe(404);
  });

  it("pages a list with opaque cursors and refuses a cursor from another list", async () => {
    for (const name of ["Pia", "Quinn", "Rosa", "Sam", "Tao"]) {
      expect((await sales.post("/contacts", { firstName: name, tags: ["paged"] })).status).toBe(
        201,
      );
    }
    const first = await reader.get<Page<Contact>>("/contacts", {
      query: { tag: "paged", limit: 2 },
    });
    const second = await reader.get<Page<Contact>>("/contacts", {
      query: { tag: "paged", limit: 2, cursor: first.body.nextCursor ?? "" },
    });
    const third = await reader.get<Page<Contact>>("/contacts", {
      query: { tag: "paged", limit: 2, cursor: second.body.nextCursor ?? "" },
    });
    expect(
      [...first.body.data, ...second.body.data, ...third.body.data].map((c) => c.firstName),
    ).toEqual(["Pia", "Quinn", "Rosa", "Sam", "Tao"]);
    expect(third.body.nextCursor).toBeNull();

    const foreign = await reader.get("/contacts", {
      query: { tag: "other", cursor: first.body.nextCursor ?? "" },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toMatchObject({ code: "request.invalid_cursor" });
  });

  it("serves the OpenAPI document to any role", async () => {
    const doc = await reader.get<{ openapi: string; paths: Record<string, unknown> }>(
      "/openapi.json",
    );
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.body.paths)).toContain("/contacts/{contactId}");
  });
});
