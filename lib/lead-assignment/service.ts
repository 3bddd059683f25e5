import { createRecord, getRecord, replaceRecord, WriteConflict } from "#lib/db/record-store";
import { versionMismatch } from "#lib/errors/domain-error";
import {
  assignmentConfigModel,
  CONFIG_ID,
  type StoredAssignmentConfig,
} from "#lib/lead-assignment/keys";
import { takeTurn } from "#lib/lead-assignment/round-robin";
import { firstMatchingRule, memberForTurn } from "#lib/lead-assignment/rules";
import type { AssignmentConfig, AssignmentConfigInput } from "#lib/lead-assignment/schema";
import { leadModel } from "#lib/leads/keys";
import { assignLeadOwner } from "#lib/leads/service";

/** The actor of assignments made by the rules. */
export const ASSIGNMENT_ACTOR = "lead-assignment";

const toConfig = (stored: StoredAssignmentConfig | undefined): AssignmentConfig =>
  stored
    ? {
        rules: stored.rules,
        teams: stored.teams,
        version: stored.version,
        updatedAt: stored.updatedAt,
        updatedBy: stored.updatedBy,
      }
    : { rules: [], teams: [], version: 0 };

/** The rules and teams; version 0 with none of either until an admin saves some. */
export const getAssignmentConfig = async (): Promise<AssignmentConfig> =>
  toConfig(await getRecord(assignmentConfigModel, CONFIG_ID));

const ATTEMPTS = 3;

/**
 * Replaces the whole configuration. With If-Match the stored version must be the one named (0:
 * nothing saved yet), else 412; without it the last writer wins, retried if another save landed
 * between our read and our write.
 */
export const putAssignmentConfig = async (
  input: AssignmentConfigInput,
  expectedVersion: number | undefined,
  actor: string,
): Promise<AssignmentConfig> => {
  for (let attempt = 1; ; attempt++) {
    const current = await getRecord(assignmentConfigModel, CONFIG_ID);
    const currentVersion = current?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
      throw versionMismatch("lead-assignment", CONFIG_ID, expectedVersion, currentVersion);
    }
    const next: StoredAssignmentConfig = {
      id: CONFIG_ID,
      rules: input.rules,
      teams: input.teams,
      version: currentVersion + 1,
      updatedAt: new Date().toISOString(),
      updatedBy: actor,
    };
    try {
      if (current) await replaceRecord(assignmentConfigModel, current, next);
      else await createRecord(assignmentConfigModel, next);
      return toConfig(next);
    } catch (error) {
      const lostRace =
        error instanceof WriteConflict && error.targets.some((t) => t.kind === "record");
      if (!lostRace || attempt >= ATTEMPTS) throw error;
    }
  }
};

export type AssignmentOutcome =
  | {
      readonly outcome: "assigned";
      readonly ownerId: string;
      readonly teamId?: string;
      readonly rule: string;
    }
  | { readonly outcome: "already_owned" | "converted" | "no_match" | "not_found" };

/**
 * Routes a lead to an owner by the configured rules: the first rule whose territory holds the
 * lead names a user, or a team whose next member in turn gets it (round-robin, `takeTurn`).
 * A lead that has an owner, is converted, matches no rule, or no longer exists is left alone.
 *
 * Safe to repeat for the same lead (the `lead.created` consumer is at-least-once): the owner is
 * written only while the lead has none, so a redelivered event assigns nothing twice. If the
 * function dies between taking a turn and writing the owner, the retry takes another turn, so
 * one member misses one lead; nobody gets a lead twice.
 */
export const assignLead = async (
  leadId: string,
  actor: string = ASSIGNMENT_ACTOR,
): Promise<AssignmentOutcome> => {
  const lead = await getRecord(leadModel, leadId);
  if (!lead) return { outcome: "not_found" };
  if (lead.ownerId !== undefined) return { outcome: "already_owned" };
  if (lead.status === "converted") return { outcome: "converted" };
  const config = await getAssignmentConfig();
  const rule = firstMatchingRule(config.rules, lead);
  if (!rule) return { outcome: "no_match" };

  let ownerId: string;
  let teamId: string | undefined;
  if ("userId" in rule.assignTo) {
    ownerId = rule.assignTo.userId;
  } else {
    const wanted = rule.assignTo.teamId;
    const team = config.teams.find((t) => t.id === wanted);
    // The configuration is validated on save, so a rule always names a defined team.
    if (!team) throw new Error(`Rule ${rule.name} names the undefined team ${wanted}`);
    teamId = team.id;
    ownerId = memberForTurn(team.members, await takeTurn(team.id));
  }
  const assignment = { ownerId, rule: rule.name, ...(teamId === undefined ? {} : { teamId }) };
  const { assigned } = await assignLeadOwner(leadId, assignment, actor);
  return assigned ? { outcome: "assigned", ...assignment } : { outcome: "already_owned" };
};
