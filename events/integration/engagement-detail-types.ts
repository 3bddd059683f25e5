/**
 * The detail-types of inbound engagement events: what a marketing integration (an email
 * platform, a web analytics tool) tells the CRM a person did. Apart from their schemas
 * (`events/integration/engagement.ts`) so that the wiring (`lib/wiring/rules.ts`) can name them
 * without loading the schemas. They feed lead scoring, not the interactions ingest.
 */
export const EngagementEvents = {
  EmailOpened: "email.opened",
  EmailClicked: "email.clicked",
  PageVisited: "page.visited",
} as const;

export type EngagementDetailType = (typeof EngagementEvents)[keyof typeof EngagementEvents];
export const ENGAGEMENT_DETAIL_TYPES = Object.values(EngagementEvents) as [
  EngagementDetailType,
  ...EngagementDetailType[],
];
