import { createRecord, getRecord, replaceRecord, WriteConflict } from "#lib/db/record-store";
import { versionMismatch } from "#lib/errors/domain-error";
import { MODEL_ID, type StoredScoringModel, scoringModelRecord } from "#lib/lead-scoring/keys";
import type { ScoringModel, ScoringModelInput } from "#lib/lead-scoring/schema";

/**
 * The scoring model: one item, read whole for every recompute (one GetItem) and replaced whole
 * by `PUT /lead-scoring/model`, conditioned on its version.
 */
const toModel = (stored: StoredScoringModel | undefined): ScoringModel =>
  stored
    ? {
        fitRules: stored.fitRules,
        engagementRules: stored.engagementRules,
        version: stored.version,
        updatedAt: stored.updatedAt,
        updatedBy: stored.updatedBy,
      }
    : { fitRules: [], engagementRules: [], version: 0 };

/** The model; version 0 without rules (every score 0) until an admin saves one. */
export const getScoringModel = async (): Promise<ScoringModel> =>
  toModel(await getRecord(scoringModelRecord, MODEL_ID));

const ATTEMPTS = 3;

/**
 * Replaces the whole model. With If-Match the stored version must be the one named (0: nothing
 * saved yet), else 412; without it the last writer wins, retried if another save landed between
 * our read and our write.
 */
export const putScoringModel = async (
  input: ScoringModelInput,
  expectedVersion: number | undefined,
  actor: string,
): Promise<ScoringModel> => {
  for (let attempt = 1; ; attempt++) {
    const current = await getRecord(scoringModelRecord, MODEL_ID);
    const currentVersion = current?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
      throw versionMismatch("lead-scoring-model", MODEL_ID, expectedVersion, currentVersion);
    }
    const next: StoredScoringModel = {
      id: MODEL_ID,
      fitRules: input.fitRules,
      engagementRules: input.engagementRules,
      version: currentVersion + 1,
      updatedAt: new Date().toISOString(),
      updatedBy: actor,
    };
    try {
      if (current) await replaceRecord(scoringModelRecord, current, next);
      else await createRecord(scoringModelRecord, next);
      return toModel(next);
    } catch (error) {
      const lostRace =
        error instanceof WriteConflict && error.targets.some((t) => t.kind === "record");
      if (!lostRace || attempt >= ATTEMPTS) throw error;
    }
  }
};
