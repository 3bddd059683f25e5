import type { IndexKeys, ItemKey, RecordModel } from "#lib/db/record-store";
import type { Lead } from "#lib/leads/schema";

/**
 * Every key format of leads, in one place. See docs/data-model.md for the access patterns.
 *
 * | item | pk          | sk   | gsi1                                  | gsi2                                       | gsi3                        |
 * |------|-------------|------|---------------------------------------|--------------------------------------------|-----------------------------|
 * | lead | lead#<id>   | lead | lead#owner#<ownerId> / <id> (owned)   | lead#status#<status> / <scoreKey>#<id>     | lead#source#<source> / <id> |
 *
 * Ids are ULIDs, so `<id>` sorts by creation time: the owner and source views list newest first
 * by reading their partitions backwards. The status view lists the highest score first.
 */
export const leadKey = (id: string): ItemKey => ({ pk: `lead#${id}`, sk: "lead" });

export const byOwnerPartition = (ownerId: string) => `lead#owner#${ownerId}`;
export const byStatusPartition = (status: string) => `lead#status#${status}`;
export const bySourcePartition = (source: string) => `lead#source#${source}`;

/**
 * Scores are whole points, bounded so that the status view's sort key has a fixed width. Negative
 * scores exist: decay and negative fit rules can take a lead below zero. Defined here rather than
 * with the schema so that this module, which the linked-record registry loads into every
 * function that links records, loads no schema.
 */
export const MAX_SCORE = 1_000_000;

const SCORE_KEY_WIDTH = String(2 * MAX_SCORE).length;

/**
 * Sorts leads by score, highest first, when read forwards: the distance from the highest possible
 * score, zero-padded to a fixed width so that strings compare like the numbers (score 1000 gives
 * `0999000`, score 5 gives `0999995`, score -5 gives `1000005`). The id breaks ties, oldest first.
 */
export const scoreSortKey = (score: number, id: string) =>
  `${String(MAX_SCORE - score).padStart(SCORE_KEY_WIDTH, "0")}#${id}`;

export const leadModel: RecordModel<Lead> = {
  type: "lead",
  key: leadKey,
  index: (lead): IndexKeys => ({
    ...(lead.ownerId ? { gsi1pk: byOwnerPartition(lead.ownerId), gsi1sk: lead.id } : {}),
    gsi2pk: byStatusPartition(lead.status),
    gsi2sk: scoreSortKey(lead.score, lead.id),
    gsi3pk: bySourcePartition(lead.source),
    gsi3sk: lead.id,
  }),
  facets: () => [],
};
