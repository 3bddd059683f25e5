import { createHash } from "node:crypto";
import type { ItemKey, RecordModel } from "#lib/db/record-store";
import type { ScoringModel } from "#lib/lead-scoring/schema";
import { leadKey } from "#lib/leads/keys";

/**
 * Every key format of lead scoring, in one place. See docs/data-model.md for the access patterns.
 *
 * | item              | pk                          | sk                      | gsi1                                                  | ttl |
 * |-------------------|-----------------------------|-------------------------|-------------------------------------------------------|-----|
 * | scoring model     | lead-scoring                | model                   |                                                       |     |
 * | model roll-out    | lead-scoring                | model-applied           |                                                       |     |
 * | signal            | lead#<leadId>               | score-signal#<key>      |                                                       | occurredAt + 365 d |
 * | scoring state     | lead#<leadId>               | score-state             | lead-scoring#review / <nextReviewAt>#<leadId> (sparse) |     |
 * | lead by email     | lead-scoring#email#<email>  | lead#<leadId>           |                                                       |     |
 *
 * Signals and the scoring state live in the lead's own partition (the lead's main item is
 * `lead#<leadId>` / `lead`), so that a lead's signals are one Query and a lead's scoring data is
 * found from the lead alone. The state carries gsi1 keys only while its signals still decay:
 * the nightly decay review reads that sparse index up to "now", one Query per page. The email
 * entries are this capability's own projection of the leads' addresses (kept from `lead.*`
 * events), since leads have no email index: integrations name a lead by its address.
 */
export const MODEL_ID = "model";
export const modelKey = (): ItemKey => ({ pk: "lead-scoring", sk: "model" });
export const modelRolloutKey = (): ItemKey => ({ pk: "lead-scoring", sk: "model-applied" });

const leadPartition = (leadId: string) => leadKey(leadId).pk;
export const SIGNAL_SORT_PREFIX = "score-signal#";
export const signalItemKey = (leadId: string, signalKey: string): ItemKey => ({
  pk: leadPartition(leadId),
  sk: `${SIGNAL_SORT_PREFIX}${signalKey}`,
});
/** The partition and sort-key prefix that hold a lead's signals. */
export const signalsOf = (leadId: string) => ({
  partition: leadPartition(leadId),
  sortBeginsWith: SIGNAL_SORT_PREFIX,
});

export const stateKey = (leadId: string): ItemKey => ({
  pk: leadPartition(leadId),
  sk: "score-state",
});
export const REVIEW_PARTITION = "lead-scoring#review";
export const reviewSortKey = (nextReviewAt: string, leadId: string) => `${nextReviewAt}#${leadId}`;
/** Every review sort key due at `now` sorts below this (`~` after any id character). */
export const reviewDueBound = (now: string) => `${now}#~`;

export const emailPartition = (email: string) => `lead-scoring#email#${email}`;
export const emailEntryKey = (email: string, leadId: string): ItemKey => ({
  pk: emailPartition(email),
  sk: `lead#${leadId}`,
});

/** Item types: none of them is published as a domain event. */
export const SIGNAL_ENTITY = "lead-score-signal";
export const STATE_ENTITY = "lead-score-state";
export const EMAIL_ENTITY = "lead-score-email";
export const ROLLOUT_ENTITY = "lead-score-model-rollout";

/**
 * Signal keys, derived from what recorded them so that a redelivery meets its own signal:
 * - an activity linked to the lead: its id (one signal per activity, updated as it changes);
 * - the web form that created the lead: the lead's id;
 * - an integration's event: a hash of (source, detail-type, externalId), as the interactions
 *   ingest names its activities, since an integration that puts an event again gets a new
 *   EventBridge id for it.
 */
export const activitySignalKey = (activityId: string) => `activity#${activityId}`;
export const formSignalKey = (leadId: string) => `form#${leadId}`;
export const integrationSignalKey = (
  kind: string,
  source: string,
  detailType: string,
  externalId: string,
) =>
  `${kind}#${createHash("sha256")
    .update([source, detailType, externalId].join("\u0000"))
    .digest("base64url")
    .slice(0, 32)}`;

/** The stored model: a versioned record with a fixed id, so the record store writes it. */
export type StoredScoringModel = Required<
  Pick<ScoringModel, "fitRules" | "engagementRules" | "version" | "updatedAt" | "updatedBy">
> & { readonly id: string };

export const scoringModelRecord: RecordModel<StoredScoringModel> = {
  type: "lead-scoring-model",
  key: modelKey,
  index: () => ({}),
  facets: () => [],
};
