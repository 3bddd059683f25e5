import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contact } from "#lib/contacts/schema";
import type { CsatRequest, TicketSatisfaction } from "#lib/csat/schema";
import { parseBusEvent } from "#lib/events/bus-event";
import { CsatRequestEvents, TicketEvents } from "#lib/events/detail-types";
import type { TicketDetail, TicketView } from "#lib/tickets/schema";
import type { LocalBusEvent } from "#local/event-bus";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * Satisfaction surveys end to end, through the local runtime: solving a ticket issues a survey,
 * announced with its token as `ticket.csat_requested` (what an email integration sends the
 * requester); the requester answers it without an API token, once; the rating lands on the
 * ticket as `ticket.csat_received`. A reused token is a 409, a forged one a 404.
 */
let crm: TestRuntime;
let agent: ApiClient;
let requester: Contact;

beforeAll(async () => {
  process.env.CSAT_CONFIG = JSON.stringify({
    expiryDays: 7,
    surveyUrl: "https://help.example.com/survey/{token}",
  });
  crm = await startTestRuntime();
  agent = crm.as("support", "agent-1");
  const created = await agent.post<Contact>("/contacts", {
    firstName: "Lin",
    emails: ["lin@csat.example"],
  });
  expect(created.status).toBe(201);
  requester = created.body;
});

afterAll(async () => {
  delete process.env.CSAT_CONFIG;
  await crm?.stop();
});

const of = (id: string, detailType: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && parseBusEvent(event).detail.id === id;

const solvedTicket = async () => {
  const created = await agent.post<TicketView>("/tickets", {
    subject: "Cannot log in",
    description: "Since the update.",
    requesterId: requester.id,
    channel: "web",
  });
  expect(created.status).toBe(201);
  const solved = await agent.patch<TicketView>(`/tickets/${created.body.id}`, { status: "solved" });
  expect(solved.status).toBe(200);
  const requested = parseBusEvent(
    await crm.bus.waitFor(of(created.body.id, CsatRequestEvents.Requested)),
  );
  return { ticket: solved.body, request: requested.detail.data as CsatRequest };
};

describe("satisfaction surveys", () => {
  it("sends the survey when a ticket is solved, and records the requester's answer once", async () => {
    const { ticket, request } = await solvedTicket();
    expect(request).toMatchObject({
      ticketId: ticket.id,
      requesterId: requester.id,
      surveyUrl: `https://help.example.com/survey/${request.token}`,
      version: ticket.version,
      createdBy: "csat-survey",
    });
    expect(Date.parse(request.expiresAt) - Date.parse(request.createdAt)).toBe(7 * 86_400_000);

    const page = await crm.anonymous.get(`/csat/${request.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      ticketSubject: "Cannot log in",
      answered: false,
      expiresAt: request.expiresAt,
    });

    const answered = await crm.anonymous.post<TicketSatisfaction>(`/csat/${request.token}`, {
      rating: 5,
      comment: "Sorted in minutes",
    });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ rating: 5, comment: "Sorted in minutes" });

    const received = parseBusEvent(await crm.bus.waitFor(of(ticket.id, TicketEvents.CsatReceived)));
    expect(received.detail).toMatchObject({
      actor: "csat-survey",
      data: { id: ticket.id, satisfaction: answered.body },
      changes: { satisfaction: { to: answered.body } },
    });
    const shown = await agent.get<TicketDetail>(`/tickets/${ticket.id}`);
    expect(shown.body.satisfaction).toEqual(answered.body);

    const reused = await crm.anonymous.post<{ code: string }>(`/csat/${request.token}`, {
      rating: 1,
    });
    expect(reused.status).toBe(409);
    expect(reused.headers.get("content-type")).toContain("application/problem+json");
    expect(reused.body.code).toBe("csat.already_answered");
    expect((await agent.get<TicketDetail>(`/tickets/${ticket.id}`)).body.satisfaction).toEqual(
      answered.body,
    );
    expect(crm.bus.events().filter(of(ticket.id, TicketEvents.CsatReceived))).toHaveLength(1);
  });

  it("refuses a forged token and bad answers, and changes nothing", async () => {
    const { ticket, request } = await solvedTicket();
    const [surveyId, secret = ""] = request.token.split(".");
    const forged = `${surveyId}.${secret.startsWith("A") ? "B" : "A"}${secret.slice(1)}`;
    for (const token of [forged, "csat_0000.abc", "whatever"]) {
      const posted = await crm.anonymous.post<{ code: string }>(`/csat/${token}`, { rating: 5 });
      expect(posted.status, token).toBe(404);
      expect(posted.body.code).toBe("csat.survey_not_found");
      expect((await crm.anonymous.get(`/csat/${token}`)).status).toBe(404);
    }
    for (const body of [{ rating: 0 }, { rating: 6 }, { rating: 4.5 }, {}, { rating: 3, x: 1 }]) {
      const posted = await crm.anonymous.post(`/csat/${request.token}`, body);
      expect(posted.status, JSON.stringify(body)).toBe(400);
    }
    const shown = await agent.get<TicketDetail>(`/tickets/${ticket.id}`);
    expect(shown.body.satisfaction).toBeUndefined();
    expect(shown.body.version).toBe(ticket.version);
    // The real token still answers.
    expect((await crm.anonymous.post(`/csat/${request.token}`, { rating: 2 })).status).toBe(200);
  });
});
