import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Activity } from "#lib/activities/schema";
import type { CompanyDetail } from "#lib/companies/schema";
import type { ContactDetail } from "#lib/contacts/schema";
import type { Engagement } from "#lib/engagement/schema";
import type { Page } from "#lib/http/response";
import { newId } from "#lib/records/ids";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * A sales rep logs calls, notes and emails against a contact and a company over HTTP, sees them
 * on both timelines, and sees the records' engagement follow once the events have flowed through
 * the local runtime's stream publisher, bus and the engagement recorder.
 */
let crm: TestRuntime;
let sales: ApiClient;
let reader: ApiClient;

beforeAll(async () => {
  crm = await startTestRuntime();
  sales = crm.as("sales", "seller-1");
  reader = crm.as("read-only", "viewer-1");
});

afterAll(async () => {
  await crm?.stop();
});

/** Asks again until `check` passes: the engagement follows the change within seconds. */
const eventually = async <T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

const counts = (over: Partial<Engagement["activityCounts"]>) => ({
  email: 0,
  call: 0,
  meeting: 0,
  note: 0,
  social: 0,
  ...over,
});

const titles = (page: Page<Activity>) => page.data.map((a) => a.title);

describe("activities, timelines and engagement over HTTP", () => {
  it("logs a call against a contact and a company and shows it on both timelines", async () => {
    const ada = await sales.post<ContactDetail>("/contacts", { firstName: "Ada" });
    const engines = await sales.post<CompanyDetail>("/companies", { name: "Engines" });
    expect([ada.status, engines.status]).toEqual([201, 201]);
    const contactLink = { entity: "contact", id: ada.body.id };
    const companyLink = { entity: "company", id: engines.body.id };

    const emailed = await sales.post<Activity>("/activities", {
      type: "email",
      title: "Intro email",
      occurredAt: "2026-11-20T09:00:00Z",
      links: [contactLink, companyLink],
      direction: "outbound",
      from: "seller-1@crm.example",
      to: ["ada@engines.example"],
      subject: "Hello",
    });
    const called = await sales.post<Activity>(
      "/activities",
      {
        type: "call",
        title: "Discovery call",
        occurredAt: "2026-11-23T14:00:00Z",
        links: [contactLink, companyLink],
        direction: "outbound",
        durationSeconds: 1260,
        outcome: "connected",
      },
      { headers: { "idempotency-key": "log-discovery-call" } },
    );
    const noted = await sales.post<Activity>("/activities", {
      type: "note",
      title: "Pricing note",
      occurredAt: "2026-11-24T08:00:00Z",
      links: [contactLink],
      body: "Wants the three-year pricing.",
    });
    expect([emailed.status, called.status, noted.status]).toEqual([201, 201, 201]);
    expect(called.headers.get("location")).toBe(`/activities/${called.body.id}`);
    expect(called.headers.get("etag")).toBe('"1"');
    expect(called.body).toMatchObject({
      occurredAt: "2026-11-23T14:00:00.000Z",
      ownerId: "seller-1",
      createdBy: "seller-1",
    });

    const contactTimeline = await reader.get<Page<Activity>>(`/contacts/${ada.body.id}/timeline`);
    expect(contactTimeline.status).toBe(200);
    expect(titles(contactTimeline.body)).toEqual(["Pricing note", "Discovery call", "Intro email"]);
    const companyTimeline = await reader.get<Page<Activity>>(
      `/companies/${engines.body.id}/timeline`,
    );
    expect(titles(companyTimeline.body)).toEqual(["Discovery call", "Intro email"]);

    // Paged newest first, the cursor carries on where the page ended.
    const first = await reader.get<Page<Activity>>(`/contacts/${ada.body.id}/timeline`, {
      query: { limit: 2 },
    });
    expect(titles(first.body)).toEqual(["Pricing note", "Discovery call"]);
    const second = await reader.get<Page<Activity>>(`/contacts/${ada.body.id}/timeline`, {
      query: { limit: 2, cursor: first.body.nextCursor ?? "" },
    });
    expect(titles(second.body)).toEqual(["Intro email"]);
    expect(second.body.nextCursor).toBeNull();

    const calls = await reader.get<Page<Activity>>(`/contacts/${ada.body.id}/timeline`, {
      query: { type: "call", from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z" },
    });
    expect(titles(calls.body)).toEqual(["Discovery call"]);

    // The engagement follows from the events, not from a scan.
    const contact = await eventually(
      () => reader.get<ContactDetail>(`/contacts/${ada.body.id}`),
      (r) =>
        r.body.engagement?.activityCounts.note === 1 && r.body.engagement.activityCounts.call === 1,
    );
    expect(contact.body.engagement).toEqual({
      lastActivityAt: "2026-11-24T08:00:00.000Z",
      activityCounts: counts({ email: 1, call: 1, note: 1 }),
    });
    const company = await eventually(
      () => reader.get<CompanyDetail>(`/companies/${engines.body.id}`),
      (r) =>
        r.body.engagement?.activityCounts.call === 1 &&
        r.body.engagement.activityCounts.email === 1,
    );
    expect(company.body.engagement).toEqual({
      lastActivityAt: "2026-11-23T14:00:00.000Z",
      activityCounts: counts({ email: 1, call: 1 }),
    });

    // The call leaves the company: its timeline and engagement follow.
    const moved = await sales.patch<Activity>(
      `/activities/${called.body.id}`,
      { links: [contactLink] },
      { headers: { "if-match": '"1"' } },
    );
    expect(moved.status).toBe(200);
    const afterMove = await reader.get<Page<Activity>>(`/companies/${engines.body.id}/timeline`);
    expect(titles(afterMove.body)).toEqual(["Intro email"]);
    const companyAfter = await eventually(
      () => reader.get<CompanyDetail>(`/companies/${engines.body.id}`),
      (r) => r.body.engagement?.activityCounts.call === 0,
    );
    expect(companyAfter.body.engagement).toEqual({
      lastActivityAt: "2026-11-20T09:00:00.000Z",
      activityCounts: counts({ email: 1 }),
    });

    // Deleted: off the contact's timeline, out of its counts.
    expect((await sales.delete(`/activities/${noted.body.id}`)).status).toBe(204);
    const contactAfter = await eventually(
      () => reader.get<ContactDetail>(`/contacts/${ada.body.id}`),
      (r) => r.body.engagement?.activityCounts.note === 0,
    );
    expect(contactAfter.body.engagement).toEqual({
      lastActivityAt: "2026-11-23T14:00:00.000Z",
      activityCounts: counts({ email: 1, call: 1 }),
    });
    expect((await reader.get(`/activities/${noted.body.id}`)).status).toBe(404);
  });

  it("answers bad input with a clear 4xx", async () => {
    const ada = await sales.post<ContactDetail>("/contacts", { firstName: "Ada" });
    const ghost = newId("co");
    const missing = await sales.post<{ code: string; missing: string[]; detail: string }>(
      "/activities",
      {
        type: "note",
        occurredAt: "2026-11-24T08:00:00Z",
        links: [
          { entity: "contact", id: ada.body.id },
          { entity: "company", id: ghost },
        ],
      },
    );
    expect(missing.status).toBe(422);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
    expect(missing.body).toMatchObject({
      code: "activity.linked_record_not_found",
      missing: [`company:${ghost}`],
    });
    expect(missing.body.detail).toContain(ghost);
    expect(
      (await reader.get<Page<Activity>>(`/contacts/${ada.body.id}/timeline`)).body.data,
    ).toEqual([]);

    const invalid = await sales.post<{ errors: { path: string }[] }>("/activities", {
      type: "call",
      occurredAt: "yesterday",
      links: [],
      direction: "sideways",
      durationSeconds: 60,
      outcome: "connected",
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(["body.occurredAt", "body.links", "body.direction"]),
    );

    const call = await sales.post<Activity>("/activities", {
      type: "call",
      occurredAt: "2026-11-24T08:00:00Z",
      links: [{ entity: "contact", id: ada.body.id }],
      direction: "inbound",
      durationSeconds: 60,
      outcome: "busy",
    });
    const foreign = await sales.patch<{ code: string; errors: { path: string }[] }>(
      `/activities/${call.body.id}`,
      { subject: "Not a call's field" },
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body).toMatchObject({
      code: "activity.fields_of_another_type",
      errors: [{ path: "body.subject" }],
    });
    const stale = await sales.patch(
      `/activities/${call.body.id}`,
      { outcome: "connected" },
      { headers: { "if-match": '"7"' } },
    );
    expect(stale.status).toBe(412);

    expect((await reader.get(`/contacts/${newId("con")}/timeline`)).status).toBe(404);
    expect(
      (await reader.get(`/contacts/${ada.body.id}/timeline`, { query: { type: "fax" } })).status,
    ).toBe(400);
    expect(
      (
        await reader.post("/activities", {
          type: "note",
          occurredAt: "2026-11-24T08:00:00Z",
          links: [{ entity: "contact", id: ada.body.id }],
        })
      ).status,
    ).toBe(403);
    expect((await sales.delete(`/activities/${call.body.id}`)).status).toBe(204);
  });
});
