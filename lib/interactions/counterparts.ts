import { type IntegrationEvent, IntegrationEvents } from "#events/integration/catalogue";

/**
 * Who an interaction was with, as the contacts to find (or create) for it: the other side of an
 * email, the other participants of a meeting, the other party of a call. Our own side (the
 * `from` of a sent email, the `to` of a received one) is not a counterpart.
 */
export type Counterparts =
  | { readonly kind: "email"; readonly addresses: readonly string[] }
  | { readonly kind: "phone"; readonly number: string };

const distinct = (values: readonly string[]) => [...new Set(values)];

export const counterpartsOf = (event: IntegrationEvent): Counterparts => {
  switch (event["detail-type"]) {
    case IntegrationEvents.EmailReceived:
      return { kind: "email", addresses: [event.detail.from] };
    case IntegrationEvents.EmailSent:
      return { kind: "email", addresses: distinct(event.detail.to) };
    case IntegrationEvents.MeetingScheduled:
      return { kind: "email", addresses: distinct(event.detail.attendees) };
    case IntegrationEvents.CallLogged:
      return { kind: "phone", number: event.detail.phoneNumber };
  }
};
