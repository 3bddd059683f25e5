import * as z from "zod/mini";
import type { BusEvent } from "#events/envelope";
import { EVENT_SOURCE } from "#events/envelope";
import { type EngagementEvent, engagementEvent } from "#events/integration/engagement";
import { EngagementEvents } from "#events/integration/engagement-detail-types";
import { ACTIVITY_TYPES } from "#lib/activities/schema";
import { parseBusEvent } from "#lib/events/bus-event";
import { ActivityEvents, LeadEvents } from "#lib/events/detail-types";
import { DAY_MS, SIGNAL_RETENTION_DAYS } from "#lib/lead-scoring/decay";
import { FIT_ATTRIBUTES } from "#lib/lead-scoring/fit";
import { activitySignalKey, formSignalKey, integrationSignalKey } from "#lib/lead-scoring/keys";
import { findLeadsByEmail, indexLeadEmail, unindexLeadEmail } from "#lib/lead-scoring/lead-index";
import type { Signal, SignalKind } from "#lib/lead-scoring/schema";
import { rescoreLead, SCORING_ACTOR } from "#lib/lead-scoring/service";
import {
  noteLeadChanged,
  purgeScoringData,
  type RecordOutcome,
  recordSignal,
  rememberEmail,
  withdrawSignal,
} from "#lib/lead-scoring/signal-store";

/**
 * The lead scoring consumer: turns each event its rules deliver into signals and re-scores the
 * leads it concerns. Idempotent per event (a signal's key derives from what recorded it; see
 * `keys.ts`), and safe against its own writes: scores are stored as `lead.score_changed`, which
 * no rule of scoring listens to, and a `lead.updated` re-scores only when a fit attribute
 * changed.
 *
 * | event                              | what it does                                                  |
 * |------------------------------------|---------------------------------------------------------------|
 * | `lead.created`                     | index the address; a web-form lead gets `form_submitted`; score |
 * | `lead.updated` (fit or address)    | move the address; re-score when a fit attribute changed       |
 * | `lead.deleted`                     | delete the lead's signals, state and address entry            |
 * | `activity.created` / `updated`     | an `activity` signal on each linked lead; withdrawn from leads no longer linked |
 * | `activity.deleted`                 | withdraw the activity's signal from the leads it linked       |
 * | `email.opened` / `email.clicked` / `page.visited` (integrations) | a signal on each open lead with that `email` |
 */

export type LeadOutcome = {
  readonly leadId: string;
  readonly signal?: RecordOutcome | "withdrawn" | "withdrawn_duplicate";
  /** The score after the event; absent when the lead is gone. */
  readonly score?: number;
};

export type ScoringOutcome =
  | { readonly outcome: "scored"; readonly leads: readonly LeadOutcome[] }
  | { readonly outcome: "purged"; readonly leadId: string }
  | { readonly outcome: "ignored"; readonly reason: string }
  | { readonly outcome: "no_lead"; readonly reason: "no_lead_with_email" }
  | {
      readonly outcome: "rejected";
      readonly issues: readonly { readonly path: string; readonly message: string }[];
    };

export interface EventLabel {
  readonly source: string;
  readonly detailType: string;
  readonly id: string;
}

const leadData = z.object({
  email: z.optional(z.string()),
  source: z.string(),
  createdAt: z.string(),
});

const link = z.object({ entity: z.string(), id: z.string() });
const activityData = z.object({
  type: z.enum(ACTIVITY_TYPES),
  occurredAt: z.string(),
  links: z.array(link),
});
/** `activity.deleted` keeps these in `changes`, each as a `from`. */
const deletedActivity = z.object({
  links: z.object({ from: z.array(link) }),
});

const leadIdsOf = (links: readonly z.infer<typeof link>[]) =>
  [...new Set(links.filter((l) => l.entity === "lead").map((l) => l.id))].sort();

const rescored = async (leadId: string, at: Date, signal?: LeadOutcome["signal"]) => {
  const lead = await rescoreLead(leadId, at);
  return {
    leadId,
    ...(signal === undefined ? {} : { signal }),
    ...(lead ? { score: lead.score } : {}),
  };
};

const normalizedTime = (iso: string) => new Date(iso).toISOString();

const onLeadCreated = async (event: BusEvent, at: Date): Promise<ScoringOutcome> => {
  const data = leadData.safeParse(event.detail.data);
  if (!data.success) return { outcome: "ignored", reason: "lead_data_unreadable" };
  const leadId = event.detail.id;
  if (data.data.email !== undefined) {
    await indexLeadEmail(data.data.email, leadId);
    await rememberEmail(leadId, data.data.email);
  }
  let signal: RecordOutcome | undefined;
  if (data.data.source === "web_form") {
    const form: Signal = {
      key: formSignalKey(leadId),
      kind: "form_submitted",
      occurredAt: normalizedTime(data.data.createdAt),
      source: EVENT_SOURCE,
    };
    signal = await recordSignal(leadId, form, { eventId: event.detail.eventId }, at);
  }
  return { outcome: "scored", leads: [await rescored(leadId, at, signal)] };
};

const stringOrUndefined = (value: unknown) => (typeof value === "string" ? value : undefined);

const onLeadUpdated = async (event: BusEvent, at: Date): Promise<ScoringOutcome> => {
  // Score writes are `lead.score_changed`; this is a second lock on the same door.
  if (event.detail.actor === SCORING_ACTOR) return { outcome: "ignored", reason: "own_write" };
  const leadId = event.detail.id;
  const { changes } = event.detail;
  const emailChange = changes.email;
  if (emailChange) {
    const from = stringOrUndefined(emailChange.from);
    const to = stringOrUndefined(emailChange.to);
    if (to !== undefined) await indexLeadEmail(to, leadId);
    if (from !== undefined) await unindexLeadEmail(from, leadId);
    await rememberEmail(leadId, to);
  }
  if (!FIT_ATTRIBUTES.some((attribute) => attribute in changes)) {
    return { outcome: "ignored", reason: emailChange ? "address_moved" : "no_fit_change" };
  }
  await noteLeadChanged(leadId);
  return { outcome: "scored", leads: [await rescored(leadId, at)] };
};

const onLeadDeleted = async (event: BusEvent): Promise<ScoringOutcome> => {
  const leadId = event.detail.id;
  const state = await purgeScoringData(leadId);
  if (state?.email !== undefined) await unindexLeadEmail(state.email, leadId);
  return { outcome: "purged", leadId };
};

/** What an activity event means for leads: who holds its signal now, and who lost it. */
type ActivityChange =
  | { readonly signal?: Signal; readonly linked: string[]; readonly unlinked: string[] }
  | { readonly ignored: string };

const activityChangeOf = (event: BusEvent): ActivityChange => {
  const { detail } = event;
  if (event["detail-type"] === ActivityEvents.Deleted) {
    const kept = deletedActivity.safeParse(detail.changes);
    if (!kept.success) return { ignored: "activity_links_unknown" };
    return { linked: [], unlinked: leadIdsOf(kept.data.links.from) };
  }
  const data = activityData.safeParse(detail.data);
  if (!data.success) return { ignored: "activity_data_unreadable" };
  const linked = leadIdsOf(data.data.links);
  const before = z.array(link).safeParse(detail.changes.links?.from);
  return {
    signal: {
      key: activitySignalKey(detail.id),
      kind: "activity",
      occurredAt: normalizedTime(data.data.occurredAt),
      source: EVENT_SOURCE,
      activityType: data.data.type,
      activityId: detail.id,
    },
    linked,
    unlinked: before.success ? leadIdsOf(before.data).filter((id) => !linked.includes(id)) : [],
  };
};

/**
 * An activity's signal follows the activity, version by version: it is recorded (or replaced) on
 * every lead the activity links, and withdrawn from the leads it no longer links. Versions order
 * the writes, so a late delivery of an older version changes nothing.
 */
const onActivityChanged = async (event: BusEvent, at: Date): Promise<ScoringOutcome> => {
  const change = activityChangeOf(event);
  if ("ignored" in change) return { outcome: "ignored", reason: change.ignored };
  if (change.linked.length === 0 && change.unlinked.length === 0) {
    return { outcome: "ignored", reason: "no_lead_linked" };
  }
  const { detail } = event;
  const provenance = { eventId: detail.eventId, sourceVersion: detail.version };
  const leads: LeadOutcome[] = [];
  const { signal } = change;
  if (signal) {
    for (const leadId of change.linked) {
      const outcome = await recordSignal(leadId, signal, provenance, at);
      leads.push(await rescored(leadId, at, outcome));
    }
  }
  for (const leadId of change.unlinked) {
    const outcome = await withdrawSignal(leadId, activitySignalKey(detail.id), provenance, at);
    leads.push(
      await rescored(leadId, at, outcome === "recorded" ? "withdrawn" : "withdrawn_duplicate"),
    );
  }
  return { outcome: "scored", leads };
};

const SIGNAL_OF: Readonly<Record<EngagementEvent["detail-type"], SignalKind>> = {
  [EngagementEvents.EmailOpened]: "email_opened",
  [EngagementEvents.EmailClicked]: "email_clicked",
  [EngagementEvents.PageVisited]: "page_visited",
};

const signalOfEngagement = (event: EngagementEvent): Signal => {
  const kind = SIGNAL_OF[event["detail-type"]];
  const { detail } = event;
  return {
    key: integrationSignalKey(kind, event.source, event["detail-type"], detail.externalId),
    kind,
    occurredAt: normalizedTime(detail.occurredAt),
    source: event.source,
    ...("url" in detail ? { url: detail.url } : {}),
    ...(detail.campaign === undefined ? {} : { campaign: detail.campaign }),
  };
};

/**
 * An integration's engagement event: a signal on every open lead with the address. Converted
 * leads are left alone (their scores no longer change), and so is an engagement older than the
 * signals' retention, which would count for nothing.
 */
const onEngagement = async (raw: unknown, at: Date): Promise<ScoringOutcome> => {
  const parsed = engagementEvent.safeParse(raw);
  if (!parsed.success) {
    return {
      outcome: "rejected",
      // Paths and messages only: the values (addresses) are personal data and stay out of logs.
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: issue.message,
      })),
    };
  }
  const event = parsed.data;
  const signal = signalOfEngagement(event);
  if (Date.parse(signal.occurredAt) <= at.getTime() - SIGNAL_RETENTION_DAYS * DAY_MS) {
    return { outcome: "ignored", reason: "older_than_retention" };
  }
  const leads = (await findLeadsByEmail(event.detail.email)).filter(
    (lead) => lead.status !== "converted",
  );
  if (leads.length === 0) return { outcome: "no_lead", reason: "no_lead_with_email" };
  const outcomes: LeadOutcome[] = [];
  for (const lead of leads) {
    const outcome = await recordSignal(lead.id, signal, { eventId: event.id }, at);
    outcomes.push(await rescored(lead.id, at, outcome));
  }
  return { outcome: "scored", leads: outcomes };
};

/** Who sent an event and what it is, for the log line; nothing personal. */
export const labelOf = (raw: unknown): EventLabel => {
  const event = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    source: String(event.source ?? ""),
    detailType: String(event["detail-type"] ?? ""),
    id: String(event.id ?? ""),
  };
};

/**
 * Handles one delivered event. A CRM event that is not a domain event throws (the bus retries
 * and dead-letters it, like every CRM consumer); an integration's invalid event is `rejected`,
 * since delivering it again cannot help. Transient failures throw, for a retry.
 */
export const handleScoringEvent = async (
  raw: unknown,
  at: Date = new Date(),
): Promise<ScoringOutcome> => {
  const label = labelOf(raw);
  if (label.source !== EVENT_SOURCE) return onEngagement(raw, at);
  const event = parseBusEvent(raw);
  switch (event["detail-type"]) {
    case LeadEvents.Created:
      return onLeadCreated(event, at);
    case LeadEvents.Updated:
      return onLeadUpdated(event, at);
    case LeadEvents.Deleted:
      return onLeadDeleted(event);
    case ActivityEvents.Created:
    case ActivityEvents.Updated:
    case ActivityEvents.Deleted:
      return onActivityChanged(event, at);
    default:
      return { outcome: "ignored", reason: "not_a_scoring_event" };
  }
};
