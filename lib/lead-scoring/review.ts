import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { modelRolloutKey, ROLLOUT_ENTITY } from "#lib/lead-scoring/keys";
import { unindexLeadEmail } from "#lib/lead-scoring/lead-index";
import { getScoringModel } from "#lib/lead-scoring/model";
import { rescoreLead } from "#lib/lead-scoring/service";
import { dueForReview, purgeScoringData } from "#lib/lead-scoring/signal-store";
import { LEAD_STATUSES, type LeadStatus } from "#lib/leads/schema";
import { listLeads } from "#lib/leads/service";
import { logger } from "#lib/observability/logger";

/**
 * The nightly review (schedule `lead-score-decay-review`): scores drift as signals age, with no
 * event to say so. Two passes, each one Query per page and no Scan:
 *
 * 1. Roll-out of a new model: when the model's version is newer than the one last rolled out,
 *    every lead that is not converted is re-scored, walking the leads' status views (one Query
 *    per page of each status). A run that nears its deadline saves where it stopped, and the next
 *    run resumes there.
 * 2. Decay: the leads whose signals still decay carry a review time in a sparse index (the
 *    scoring state's gsi1, `lead-scoring#review` / `<nextReviewAt>#<leadId>`); every lead due by
 *    now is re-scored, which stores its decayed score (when the whole number moved) and its next
 *    review time, or takes it out of the index once nothing decays any more.
 *
 * Why an index of review times rather than signals by day: a lead with a hundred decaying
 * signals is one entry, re-scored once; and the entry leaves the index by itself once the lead's
 * score has settled, so the nightly work follows the leads whose scores can still move, not the
 * number of signals or of leads.
 */
export interface ReviewOptions {
  readonly now: Date;
  /** Epoch ms after which no new page is started; the rest waits for the next run. */
  readonly deadline: number;
  readonly pageSize?: number;
}

export interface ReviewSummary {
  /** Leads re-scored because the model changed; `rolledOut` once every one of them was. */
  readonly rollout: { readonly rescored: number; readonly rolledOut: number | undefined };
  /** Leads whose decay review was due, and those among them that no longer exist. */
  readonly decay: { readonly due: number; readonly rescored: number; readonly gone: number };
  readonly failed: number;
}

/** Where a roll-out stands: the model version it applies and, while unfinished, its position. */
interface Rollout {
  readonly appliedVersion: number;
  readonly walk?: {
    readonly version: number;
    readonly status: LeadStatus;
    readonly cursor?: string;
  };
}

const OPEN_STATUSES: readonly LeadStatus[] = LEAD_STATUSES.filter((s) => s !== "converted");

const readRollout = async (): Promise<Rollout> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: modelRolloutKey(), ConsistentRead: true }),
  );
  return (Item as Rollout | undefined) ?? { appliedVersion: 0 };
};

const saveRollout = async (rollout: Rollout) => {
  await documentClient.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...modelRolloutKey(), entityType: ROLLOUT_ENTITY, ...rollout },
    }),
  );
};

/** Re-scores one lead; a failure is logged and counted, and the run goes on. */
const reviewLead = async (leadId: string, now: Date) => {
  try {
    return { lead: await rescoreLead(leadId, now), failed: false };
  } catch (error) {
    logger.error("Lead re-score failed", { leadId, error });
    return { lead: undefined, failed: true };
  }
};

const rollOut = async (options: ReviewOptions, pageSize: number) => {
  let rescored = 0;
  let failed = 0;
  const model = await getScoringModel();
  const rollout = await readRollout();
  if (model.version <= rollout.appliedVersion) {
    return { rescored, failed, rolledOut: undefined, finished: true };
  }
  // A walk for an older model starts over: every lead must see the newest one.
  let position =
    rollout.walk?.version === model.version
      ? rollout.walk
      : { version: model.version, status: OPEN_STATUSES[0] as LeadStatus };
  for (;;) {
    if (Date.now() >= options.deadline) {
      await saveRollout({ appliedVersion: rollout.appliedVersion, walk: position });
      return { rescored, failed, rolledOut: undefined, finished: false };
    }
    const page = await listLeads({
      status: position.status,
      limit: pageSize,
      cursor: position.cursor,
    });
    for (const lead of page.data) {
      const result = await reviewLead(lead.id, options.now);
      if (result.failed) failed++;
      else rescored++;
    }
    if (page.nextCursor) {
      position = { ...position, cursor: page.nextCursor };
      continue;
    }
    const nextStatus = OPEN_STATUSES[OPEN_STATUSES.indexOf(position.status) + 1];
    if (nextStatus === undefined) break;
    position = { version: model.version, status: nextStatus };
  }
  await saveRollout({ appliedVersion: model.version });
  return { rescored, failed, rolledOut: model.version, finished: true };
};

export const reviewLeadScores = async (options: ReviewOptions): Promise<ReviewSummary> => {
  const pageSize = options.pageSize ?? 25;
  const rollout = await rollOut(options, pageSize);
  let failed = rollout.failed;
  let due = 0;
  let rescored = 0;
  let gone = 0;
  let cursor: string | undefined;
  // The decay pass waits for an unfinished roll-out: it re-scores these leads anyway.
  if (rollout.finished) {
    do {
      const page = await dueForReview(options.now, pageSize, cursor);
      cursor = page.nextCursor ?? undefined;
      due += page.data.length;
      for (const state of page.data) {
        const result = await reviewLead(state.leadId, options.now);
        if (result.failed) failed++;
        else if (result.lead) rescored++;
        else {
          // The lead is gone and its deletion event has not cleaned up (yet): do it here.
          gone++;
          const purged = await purgeScoringData(state.leadId);
          if (purged?.email !== undefined) await unindexLeadEmail(purged.email, state.leadId);
        }
      }
    } while (cursor && Date.now() < options.deadline);
  }
  const summary = {
    rollout: { rescored: rollout.rescored, rolledOut: rollout.rolledOut },
    decay: { due, rescored, gone },
    failed,
  };
  logger.info("Lead score review", summary);
  return summary;
};
