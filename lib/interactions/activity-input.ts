import type * as z from "zod/mini";
import { type IntegrationEvent, IntegrationEvents } from "#events/integration/catalogue";
import { type CreateActivity, createActivityBody } from "#lib/activities/schema";
import type { RecordRef } from "#lib/linked-records/registry";
import { canonicalInstant } from "#lib/records/common-schema";

/** Empty subjects and snippets exist; the activity leaves such a field out rather than blank. */
const nonEmpty = (value: string) => (value === "" ? undefined : value);

/** The activity body an event describes, before the activities schema has checked it. */
const candidateOf = (
  event: IntegrationEvent,
  links: readonly RecordRef[],
): z.input<typeof createActivityBody> => {
  const common = {
    // Integrations may send any offset; activities store UTC, as the API does.
    occurredAt: canonicalInstant(event.detail.occurredAt),
    links: [...links],
    ...(event.detail.ownerId === undefined ? {} : { ownerId: event.detail.ownerId }),
  };
  switch (event["detail-type"]) {
    case IntegrationEvents.EmailReceived:
    case IntegrationEvents.EmailSent: {
      const { detail } = event;
      const subject = nonEmpty(detail.subject);
      const snippet = nonEmpty(detail.snippet);
      return {
        type: "email",
        ...common,
        direction:
          event["detail-type"] === IntegrationEvents.EmailReceived ? "inbound" : "outbound",
        from: detail.from,
        to: detail.to,
        threadId: detail.threadId,
        ...(subject === undefined ? {} : { subject }),
        ...(snippet === undefined ? {} : { snippet }),
      };
    }
    case IntegrationEvents.CallLogged: {
      const { detail } = event;
      return {
        type: "call",
        ...common,
        direction: detail.direction,
        durationSeconds: detail.durationSeconds,
        outcome: detail.outcome,
        phone: detail.phoneNumber,
      };
    }
    case IntegrationEvents.MeetingScheduled: {
      const { detail } = event;
      return {
        type: "meeting",
        ...common,
        title: detail.title,
        startsAt: canonicalInstant(detail.startsAt),
        endsAt: canonicalInstant(detail.endsAt),
        attendees: detail.attendees,
        ...(detail.location === undefined ? {} : { location: detail.location }),
      };
    }
  }
};

export type ActivityInputResult =
  | { readonly valid: true; readonly input: CreateActivity }
  | { readonly valid: false; readonly issues: readonly { path: string; message: string }[] };

/**
 * The activity an inbound event becomes, linked to `links`, checked by the same schema as
 * `POST /activities`. The inbound schemas are at least as strict as the activity's, so a
 * refusal here means the two have drifted apart; the caller treats it like an invalid event.
 */
export const activityInputOf = (
  event: IntegrationEvent,
  links: readonly RecordRef[],
): ActivityInputResult => {
  const parsed = createActivityBody.safeParse(candidateOf(event, links));
  if (parsed.success) return { valid: true, input: parsed.data };
  return {
    valid: false,
    issues: parsed.error.issues.map((issue) => ({
      path: `activity.${issue.path.map(String).join(".")}`,
      message: issue.message,
    })),
  };
};
