import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBusEvent } from "#lib/events/bus-event";
import { LeadEvents } from "#lib/events/detail-types";
import type { Page } from "#lib/http/response";
import type { AssignmentConfig } from "#lib/lead-assignment/schema";
import type { Lead } from "#lib/leads/schema";
import type { LocalBusEvent } from "#local/event-bus";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * The public web form through the whole local runtime: an anonymous POST makes a lead, the
 * stream publisher announces `lead.created`, the `lead-assignment` rule gives it an owner.
 */
let crm: TestRuntime;
let admin: ApiClient;
let sales: ApiClient;

const form = {
  firstName: "Vera",
  lastName: "Visitor",
  email: "vera@visitor.example",
  companyName: "Visitor GmbH",
  country: "de",
  employees: 120,
  form: "pricing-page",
  consent: true,
  honeypot: "",
};

const ofLead = (id: string, detailType: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && parseBusEvent(event).detail.id === id;

/** Every web-form lead, through the source view. */
const webFormLeads = async (): Promise<Lead[]> => {
  const leads: Lead[] = [];
  let cursor: string | undefined;
  do {
    const page = await sales.get<Page<Lead>>("/leads", {
      query: { source: "web_form", limit: 100, cursor },
    });
    expect(page.status).toBe(200);
    leads.push(...page.body.data);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return leads;
};

beforeAll(async () => {
  crm = await startTestRuntime();
  admin = crm.as("admin", "admin-1");
  sales = crm.as("sales", "seller-1");
  const current = await admin.get<AssignmentConfig>("/lead-assignment");
  expect(current.headers.get("etag")).toBe('"0"');
  const saved = await admin.put<AssignmentConfig>(
    "/lead-assignment",
    {
      teams: [{ id: "dach", name: "DACH", members: ["rep-1", "rep-2"] }],
      rules: [
        { name: "DACH", when: { countries: ["DE", "AT", "CH"] }, assignTo: { teamId: "dach" } },
      ],
    },
    { headers: { "if-match": '"0"' } },
  );
  expect(saved.status).toBe(200);
  expect(saved.body.version).toBe(1);
});

afterAll(async () => {
  await crm?.stop();
});

describe("the public web form, end to end", () => {
  it("creates a lead for an anonymous visitor, and assignment gives it an owner", async () => {
    const posted = await crm.anonymous.post<{ id: string }>("/web-forms/leads", form);
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({ id: expect.stringMatching(/^lead_/) });
    const { id } = posted.body;

    const assigned = parseBusEvent(await crm.bus.waitFor(ofLead(id, LeadEvents.Assigned)));
    expect(assigned.detail).toMatchObject({ actor: "lead-assignment", version: 2 });
    const lead = await sales.get<Lead>(`/leads/${id}`);
    expect(lead.body).toMatchObject({
      email: "vera@visitor.example",
      country: "DE",
      source: "web_form",
      sourceDetail: "pricing-page",
      status: "new",
      optedOut: false,
      teamId: "dach",
      assignedByRule: "DACH",
      createdBy: "web-form",
    });
    expect(["rep-1", "rep-2"]).toContain(lead.body.ownerId);
    const created = crm.bus.events().find(ofLead(id, LeadEvents.Created));
    expect(created && parseBusEvent(created).detail.actor).toBe("web-form");

    const mine = await crm
      .as("sales", lead.body.ownerId)
      .get<Page<Lead>>("/leads", { query: { ownerId: lead.body.ownerId ?? "" } });
    expect(mine.body.data.map((l) => l.id)).toContain(id);
  });

  it("ignores a token sent to it, and still needs one everywhere else", async () => {
    const withToken = await crm
      .as("admin", "someone")
      .post<{ id: string }>("/web-forms/leads", { ...form, email: "second@visitor.example" });
    expect(withToken.status).toBe(201);
    const lead = await sales.get<Lead>(`/leads/${withToken.body.id}`);
    expect(lead.body.createdBy).toBe("web-form");

    for (const [method, path] of [
      ["GET", "/leads?source=web_form"],
      ["POST", "/leads"],
      ["GET", `/leads/${withToken.body.id}`],
      ["GET", "/lead-assignment"],
    ] as const) {
      const response = await crm.anonymous.request(method, path, {
        ...(method === "POST" ? { body: { email: "x@y.example", source: "import" } } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it("refuses bad input with a 400 and creates nothing", async () => {
    const before = (await webFormLeads()).length;
    const bad: Record<string, unknown>[] = [
      { ...form, ownerId: "me" },
      { ...form, status: "qualified" },
      { ...form, honeypot: "http://cheap-pills.example" },
      { ...form, email: "not-an-email" },
      { ...form, consent: undefined },
      { ...form, message: "x".repeat(2001) },
    ];
    for (const body of bad) {
      const response = await crm.anonymous.post<{ code: string }>("/web-forms/leads", body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.body.code).toBe("request.validation_failed");
    }
    const notJson = await crm.anonymous.post("/web-forms/leads", "email=a@b.example", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(notJson.status).toBe(415);
    expect((await webFormLeads()).length).toBe(before);
  });

  it("keeps a lead without consent, opted out", async () => {
    const posted = await crm.anonymous.post<{ id: string }>("/web-forms/leads", {
      email: "quiet@visitor.example",
      consent: false,
    });
    expect(posted.status).toBe(201);
    const lead = await sales.get<Lead>(`/leads/${posted.body.id}`);
    expect(lead.body.optedOut).toBe(true);
  });
});
