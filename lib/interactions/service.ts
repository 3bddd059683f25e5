import { activityModel } from "#lib/activities/keys";
import { MAX_LINKS } from "#lib/activities/schema";
import { createActivity } from "#lib/activities/service";
import type { Principal } from "#lib/auth/principal";
import { getRecord } from "#lib/db/record-store";
import { interactionActivityId } from "#lib/interactions/activity-id";
import { activityInputOf } from "#lib/interactions/activity-input";
import type { InteractionsConfig } from "#lib/interactions/config";
import { matchContacts } from "#lib/interactions/contact-match";
import { counterpartsOf } from "#lib/interactions/counterparts";
import { type EventIssue, type EventLabel, parseInteractionEvent } from "#lib/interactions/event";

/**
 * Inbound interactions: an event an integration put on the bus (`events/integration/`) becomes
 * one activity on the contacts it was with. What happened to each event, for the log line the
 * handler writes:
 * - `recorded`: the activity exists now (a concurrent delivery may have made it first);
 * - `duplicate`: an earlier delivery of the same interaction made it; nothing was done;
 * - `skipped`: no contact matched and none could be created (creation disabled, or refused);
 * - `rejected`: the event does not follow the catalogue; delivering it again cannot help.
 */
export type IngestOutcome =
  | {
      readonly outcome: "recorded";
      readonly event: EventLabel;
      readonly activityId: string;
      readonly contactIds: readonly string[];
      readonly createdContactIds: readonly string[];
      readonly unmatched: readonly string[];
    }
  | { readonly outcome: "duplicate"; readonly event: EventLabel; readonly activityId: string }
  | {
      readonly outcome: "skipped";
      readonly event: EventLabel;
      readonly reason: "no_contact";
      readonly activityId: string;
      readonly unmatched: readonly string[];
    }
  | {
      readonly outcome: "rejected";
      readonly event: EventLabel;
      readonly issues: readonly EventIssue[];
    };

/** Integrations act as themselves: `createdBy` of what they make is their source. */
const integrationActor = (source: string): Principal => ({ userId: source, roles: [] });

/**
 * Turns one inbound event into an activity. Idempotent per interaction: the activity's id is
 * derived from (source, detail-type, externalId), so a redelivery finds it and stops, and two
 * concurrent deliveries create it once. Transient failures throw, for the delivery to be retried;
 * an invalid event is returned as `rejected` instead, since retrying it cannot succeed.
 */
export const ingestInteraction = async (
  raw: unknown,
  config: InteractionsConfig,
): Promise<IngestOutcome> => {
  const parsed = parseInteractionEvent(raw);
  if (!parsed.valid) return { outcome: "rejected", event: parsed.label, issues: parsed.issues };
  const { event, label } = parsed;
  const activityId = interactionActivityId(
    event.source,
    event["detail-type"],
    event.detail.externalId,
  );

  // A redelivery stops here, before it could create a contact again (say, one deleted since).
  if (await getRecord(activityModel, activityId)) {
    return { outcome: "duplicate", event: label, activityId };
  }

  const actor = integrationActor(event.source);
  const matched = await matchContacts(counterpartsOf(event), {
    createUnknownContacts: config.createUnknownContacts,
    source: event.source,
    ownerId: event.detail.ownerId,
    actor,
    limit: MAX_LINKS,
  });
  if (matched.contactIds.length === 0) {
    return {
      outcome: "skipped",
      event: label,
      reason: "no_contact",
      activityId,
      unmatched: matched.unmatched,
    };
  }

  const input = activityInputOf(
    event,
    matched.contactIds.map((id) => ({ entity: "contact" as const, id })),
  );
  if (!input.valid) return { outcome: "rejected", event: label, issues: input.issues };
  const activity = await createActivity(input.input, actor, {
    id: activityId,
    origin: { source: event.source, externalId: event.detail.externalId },
  });
  return {
    outcome: "recorded",
    event: label,
    activityId: activity.id,
    contactIds: matched.contactIds,
    createdContactIds: matched.createdContactIds,
    unmatched: matched.unmatched,
  };
};
