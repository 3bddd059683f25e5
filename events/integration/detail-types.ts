/**
 * The detail-types and source of inbound interaction events, apart from their schemas so that
 * the wiring (`lib/wiring/rules.ts`) can name them without loading the schemas.
 */
export const IntegrationEvents = {
  EmailReceived: "email.received",
  EmailSent: "email.sent",
  CallLogged: "call.logged",
  MeetingScheduled: "meeting.scheduled",
} as const;

export type IntegrationDetailType = (typeof IntegrationEvents)[keyof typeof IntegrationEvents];
export const INTEGRATION_DETAIL_TYPES = Object.values(IntegrationEvents) as [
  IntegrationDetailType,
  ...IntegrationDetailType[],
];

/** Every integration's `source` starts with it: `integration.<name>`. */
export const INTEGRATION_SOURCE_PREFIX = "integration.";
