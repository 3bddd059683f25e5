import { describe, expect, it } from "vitest";
import { IntegrationEvents } from "#events/integration/catalogue";
import { integrationExamples } from "#events/integration/samples";
import { type ParsedInteractionEvent, parseInteractionEvent } from "#lib/interactions/event";

const received = integrationExamples[IntegrationEvents.EmailReceived];
const call = integrationExamples[IntegrationEvents.CallLogged];
const meeting = integrationExamples[IntegrationEvents.MeetingScheduled];

const issuesOf = (parsed: ParsedInteractionEvent) => {
  if (parsed.valid) throw new Error("expected the event to be rejected");
  return parsed.issues;
};
const pathsOf = (parsed: ParsedInteractionEvent) => issuesOf(parsed).map((i) => i.path);

describe("parseInteractionEvent", () => {
  it("accepts every example of the catalogue", () => {
    for (const example of Object.values(integrationExamples)) {
      const parsed = parseInteractionEvent(example);
      expect(parsed.valid, JSON.stringify(parsed)).toBe(true);
    }
  });

  it("normalizes addresses as contacts store them", () => {
    const parsed = parseInteractionEvent({
      ...received,
      detail: { ...received.detail, from: "  Ada@Example.COM ", to: ["BOB@crm.example"] },
    });
    if (!parsed.valid) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.event.detail).toMatchObject({ from: "ada@example.com", to: ["bob@crm.example"] });
  });

  it("names the event even when it is invalid", () => {
    const parsed = parseInteractionEvent({ ...received, detail: {} });
    expect(parsed.label).toEqual({
      eventId: received.id,
      source: "integration.mailbox",
      detailType: "email.received",
    });
    expect(parseInteractionEvent(null).label).toEqual({
      eventId: undefined,
      source: undefined,
      detailType: undefined,
    });
  });

  it("accepts only integration.<name> sources with a lower-case name", () => {
    for (const source of ["integration.mailbox", "integration.a", "integration.phone-2"]) {
      expect(parseInteractionEvent({ ...received, source }).valid, source).toBe(true);
    }
    for (const source of [
      "crm",
      "integration.",
      "integration.Mailbox",
      "integration.mail_box",
      "integration.-mailbox",
      "integrations.mailbox",
      `integration.${"x".repeat(39)}`,
    ]) {
      expect(pathsOf(parseInteractionEvent({ ...received, source })), source).toEqual(["source"]);
    }
  });

  it("refuses an unknown detail-type", () => {
    expect(pathsOf(parseInteractionEvent({ ...received, "detail-type": "email.bounced" }))).toEqual(
      ["detail-type"],
    );
  });

  it("refuses what is not an event at all", () => {
    for (const raw of [null, "email", 42, [], {}]) {
      expect(issuesOf(parseInteractionEvent(raw)).length, JSON.stringify(raw)).toBeGreaterThan(0);
    }
  });

  it("says which fields of the detail are wrong, without their values", () => {
    const parsed = parseInteractionEvent({
      ...received,
      detail: {
        ...received.detail,
        externalId: "",
        from: "not-an-address",
        to: [],
        occurredAt: "yesterday",
      },
    });
    expect(pathsOf(parsed).sort()).toEqual([
      "detail.externalId",
      "detail.from",
      "detail.occurredAt",
      "detail.to",
    ]);
    expect(JSON.stringify(issuesOf(parsed))).not.toContain("not-an-address");
  });

  it("refuses unknown fields, so that a misspelt one is not silently lost", () => {
    expect(
      pathsOf(parseInteractionEvent({ ...received, detail: { ...received.detail, ownerID: "u" } })),
    ).toEqual(["detail"]);
  });

  it("accepts date-times with an offset", () => {
    const parsed = parseInteractionEvent({
      ...call,
      detail: { ...call.detail, occurredAt: "2026-11-23T11:55:00+01:00" },
    });
    expect(parsed.valid).toBe(true);
  });

  it("refuses a phone number with fewer than 4 digits, and a bad call outcome", () => {
    expect(
      pathsOf(
        parseInteractionEvent({ ...call, detail: { ...call.detail, phoneNumber: "+(1) 2-3" } }),
      ),
    ).toEqual(["detail.phoneNumber"]);
    expect(
      pathsOf(parseInteractionEvent({ ...call, detail: { ...call.detail, outcome: "great" } })),
    ).toEqual(["detail.outcome"]);
  });

  it("refuses a meeting that ends before it starts, comparing instants across offsets", () => {
    expect(
      pathsOf(
        parseInteractionEvent({
          ...meeting,
          detail: {
            ...meeting.detail,
            startsAt: "2026-11-26T10:00:00Z",
            endsAt: "2026-11-26T09:00:00Z",
          },
        }),
      ),
    ).toEqual(["detail.endsAt"]);
    expect(
      parseInteractionEvent({
        ...meeting,
        detail: {
          ...meeting.detail,
          startsAt: "2026-11-26T10:00:00Z",
          endsAt: "2026-11-26T10:30:00+00:30",
        },
      }).valid,
    ).toBe(true);
  });
});
