import {
  type EngagementDetailType,
  type EngagementEvent,
  EngagementEvents,
} from "#events/integration/engagement";

/**
 * One example per inbound engagement detail-type, as the lead scoring rule's target receives it
 * from EventBridge. They are written to `events/examples/inbound/`, documented in
 * docs/events.md, and validated by the tests against the schemas.
 */
const delivered = {
  version: "0",
  account: "123456789012",
  region: "eu-west-1",
  resources: [],
} as const;

export const engagementExamples: Readonly<
  Record<EngagementDetailType, EngagementEvent & typeof delivered>
> = {
  [EngagementEvents.EmailOpened]: {
    ...delivered,
    id: "4b7d0e5c-6f8a-4c9d-8e3f-5a6b7c8d9e0f",
    source: "integration.email-platform",
    "detail-type": EngagementEvents.EmailOpened,
    time: "2026-11-24T08:02:11Z",
    detail: {
      externalId: "open-7f3a9c1e",
      occurredAt: "2026-11-24T08:02:10Z",
      email: "grace@cobol.example",
      campaign: "q4-webinar-invite",
      messageId: "<q4-webinar.7f3a9c1e@mail.crm-customer.example>",
    },
  },
  [EngagementEvents.EmailClicked]: {
    ...delivered,
    id: "5c8e1f6d-7a9b-4d0e-9f4a-6b7c8d9e0f1a",
    source: "integration.email-platform",
    "detail-type": EngagementEvents.EmailClicked,
    time: "2026-11-24T08:03:41Z",
    detail: {
      externalId: "click-7f3a9c1e-1",
      occurredAt: "2026-11-24T08:03:40Z",
      email: "grace@cobol.example",
      url: "https://crm-customer.example/webinars/q4?utm_campaign=q4-webinar-invite",
      campaign: "q4-webinar-invite",
      messageId: "<q4-webinar.7f3a9c1e@mail.crm-customer.example>",
    },
  },
  [EngagementEvents.PageVisited]: {
    ...delivered,
    id: "6d9f2a7e-8b0c-4e1f-8a5b-7c8d9e0f1a2b",
    source: "integration.web-analytics",
    "detail-type": EngagementEvents.PageVisited,
    time: "2026-11-24T08:05:03Z",
    detail: {
      externalId: "pv-20261124-000381",
      occurredAt: "2026-11-24T08:05:00+00:00",
      email: "grace@cobol.example",
      url: "https://crm-customer.example/pricing",
      title: "Pricing",
      referrer: "https://crm-customer.example/webinars/q4",
    },
  },
};
