import { describe, expect, it } from "vitest";
import { type IntegrationEvent, IntegrationEvents } from "#events/integration/catalogue";
import { integrationExamples } from "#events/integration/samples";
import { activityInputOf } from "#lib/interactions/activity-input";
import { counterpartsOf } from "#lib/interactions/counterparts";
import { parseInteractionEvent } from "#lib/interactions/event";

const parsed = (raw: unknown): IntegrationEvent => {
  const result = parseInteractionEvent(raw);
  if (!result.valid) throw new Error(JSON.stringify(result.issues));
  return result.event;
};
const links = [{ entity: "contact" as const, id: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P" }];
const inputOf = (raw: unknown) => {
  const result = activityInputOf(parsed(raw), links);
  if (!result.valid) throw new Error(JSON.stringify(result.issues));
  return result.input;
};

const received = integrationExamples[IntegrationEvents.EmailReceived];
const sent = integrationExamples[IntegrationEvents.EmailSent];
const call = integrationExamples[IntegrationEvents.CallLogged];
const meeting = integrationExamples[IntegrationEvents.MeetingScheduled];

describe("counterpartsOf", () => {
  it("is the sender of a received email", () => {
    expect(counterpartsOf(parsed(received))).toEqual({
      kind: "email",
      addresses: ["ada@example.com"],
    });
  });

  it("is every distinct recipient of a sent email, but not its cc", () => {
    const event = parsed({
      ...sent,
      detail: {
        ...sent.detail,
        to: ["ada@example.com", "grace@example.com", "ADA@example.com"],
        cc: ["boss@example.com"],
      },
    });
    expect(counterpartsOf(event)).toEqual({
      kind: "email",
      addresses: ["ada@example.com", "grace@example.com"],
    });
  });

  it("is the attendees of a meeting, and the number of a call", () => {
    expect(counterpartsOf(parsed(meeting))).toEqual({
      kind: "email",
      addresses: ["ada@example.com"],
    });
    expect(counterpartsOf(parsed(call))).toEqual({ kind: "phone", number: "+44 20 7946 0000" });
  });
});

describe("activityInputOf", () => {
  it("makes an inbound email of a received one, and an outbound one of a sent one", () => {
    expect(inputOf(received)).toEqual({
      type: "email",
      direction: "inbound",
      occurredAt: "2026-11-23T09:15:00.000Z",
      ownerId: "user-bob",
      links,
      from: "ada@example.com",
      to: ["bob@crm-customer.example"],
      subject: "Re: Proposal for the analytical engine",
      snippet: "Thanks Bob, the numbers look right. Can we meet on Thursday?",
      threadId: "thread-18c2f90b11a",
    });
    expect(inputOf(sent)).toMatchObject({ type: "email", direction: "outbound" });
  });

  it("leaves an empty subject and snippet out, and the owner when there is none", () => {
    const { ownerId: _owner, ...detail } = received.detail;
    const input = inputOf({ ...received, detail: { ...detail, subject: " ", snippet: "" } });
    expect(input).not.toHaveProperty("subject");
    expect(input).not.toHaveProperty("snippet");
    expect(input).not.toHaveProperty("ownerId");
  });

  it("makes a call with its number, and stores times in UTC", () => {
    expect(
      inputOf({ ...call, detail: { ...call.detail, occurredAt: "2026-11-23T11:55:00+01:00" } }),
    ).toEqual({
      type: "call",
      direction: "outbound",
      occurredAt: "2026-11-23T10:55:00.000Z",
      ownerId: "user-bob",
      links,
      durationSeconds: 412,
      outcome: "connected",
      phone: "+44 20 7946 0000",
    });
  });

  it("makes a meeting with its title, times, attendees and location", () => {
    expect(inputOf(meeting)).toEqual({
      type: "meeting",
      occurredAt: "2026-11-23T09:45:00.000Z",
      ownerId: "user-bob",
      links,
      title: "Analytical engine: proposal review",
      startsAt: "2026-11-26T10:00:00.000Z",
      endsAt: "2026-11-26T10:45:00.000Z",
      attendees: ["ada@example.com"],
      location: "https://meet.example.com/abc-defg-hij",
    });
  });

  it("refuses an activity without links, as the activities schema does", () => {
    const result = activityInputOf(parsed(received), []);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.issues.map((i) => i.path)).toEqual(["activity.links"]);
  });
});
