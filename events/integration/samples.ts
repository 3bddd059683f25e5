import {
  type IntegrationDetailType,
  type IntegrationEvent,
  IntegrationEvents,
} from "#events/integration/catalogue";

/**
 * One example per inbound detail-type, as the `interaction-ingest` rule's target receives it
 * from EventBridge. They are written to `events/examples/inbound/`, documented in
 * docs/events.md, and validated by the tests against the catalogue's schemas.
 */
const delivered = {
  version: "0",
  account: "123456789012",
  region: "eu-west-1",
  resources: [],
} as const;

export const integrationExamples: Readonly<
  Record<IntegrationDetailType, IntegrationEvent & typeof delivered>
> = {
  [IntegrationEvents.EmailReceived]: {
    ...delivered,
    id: "0d3f6a1e-2b4c-4e5f-8a9b-1c2d3e4f5a6b",
    source: "integration.mailbox",
    "detail-type": IntegrationEvents.EmailReceived,
    time: "2026-11-23T09:15:02Z",
    detail: {
      externalId: "msg-18c2f9a7d4e",
      occurredAt: "2026-11-23T09:15:00Z",
      from: "ada@example.com",
      to: ["bob@crm-customer.example"],
      cc: ["carol@crm-customer.example"],
      subject: "Re: Proposal for the analytical engine",
      snippet: "Thanks Bob, the numbers look right. Can we meet on Thursday?",
      threadId: "thread-18c2f90b11a",
      messageId: "<CAF=q7x+abc@mail.example.com>",
      ownerId: "user-bob",
    },
  },
  [IntegrationEvents.EmailSent]: {
    ...delivered,
    id: "1e4a7b2f-3c5d-4f6a-9b0c-2d3e4f5a6b7c",
    source: "integration.mailbox",
    "detail-type": IntegrationEvents.EmailSent,
    time: "2026-11-23T09:40:01Z",
    detail: {
      externalId: "msg-18c2fb21c07",
      occurredAt: "2026-11-23T09:40:00Z",
      from: "bob@crm-customer.example",
      to: ["ada@example.com"],
      subject: "Re: Proposal for the analytical engine",
      snippet: "Thursday at 10 works. I will send an invite.",
      threadId: "thread-18c2f90b11a",
      messageId: "<CAB=r8y+def@crm-customer.example>",
      ownerId: "user-bob",
    },
  },
  [IntegrationEvents.CallLogged]: {
    ...delivered,
    id: "2f5b8c3a-4d6e-4a7b-8c1d-3e4f5a6b7c8d",
    source: "integration.phone-system",
    "detail-type": IntegrationEvents.CallLogged,
    time: "2026-11-23T11:02:15Z",
    detail: {
      externalId: "call-99812",
      occurredAt: "2026-11-23T10:55:00+00:00",
      phoneNumber: "+44 20 7946 0000",
      direction: "outbound",
      durationSeconds: 412,
      outcome: "connected",
      ownerId: "user-bob",
    },
  },
  [IntegrationEvents.MeetingScheduled]: {
    ...delivered,
    id: "3a6c9d4b-5e7f-4b8c-9d2e-4f5a6b7c8d9e",
    source: "integration.calendar",
    "detail-type": IntegrationEvents.MeetingScheduled,
    time: "2026-11-23T09:45:03Z",
    detail: {
      externalId: "evt-5kq2m1c8v0",
      occurredAt: "2026-11-23T09:45:00Z",
      title: "Analytical engine: proposal review",
      startsAt: "2026-11-26T10:00:00Z",
      endsAt: "2026-11-26T10:45:00Z",
      attendees: ["ada@example.com"],
      location: "https://meet.example.com/abc-defg-hij",
      ownerId: "user-bob",
    },
  },
};
