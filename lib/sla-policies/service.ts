import type { Principal } from "#lib/auth/principal";
import { tableName } from "#lib/db/client";
import {
  createRecord,
  type ExtraItem,
  getRecord,
  listRecords,
  WriteConflict,
} from "#lib/db/record-store";
import { DomainError, notFound } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";
import { newId } from "#lib/records/ids";
import { applyPatch, mutateRecord, removeRecord, stamp } from "#lib/records/mutate";
import { ALWAYS_OPEN, type BusinessCalendar } from "#lib/sla/business-calendar";
import { addBusinessTime } from "#lib/sla/business-time";
import {
  POLICY_PARTITION,
  POLICY_SORT_PREFIX,
  REVISION_ENTITY_TYPE,
  revisionKey,
  slaPolicyModel,
} from "#lib/sla-policies/keys";
import {
  type CreateSlaPolicy,
  MAX_SLA_POLICIES,
  type SlaPolicy,
  type SlaTargets,
  type UpdateSlaPolicy,
} from "#lib/sla-policies/schema";

const REVISION_BUMP = "sla-policy-revision-bump";

/**
 * Every change of a policy bumps the set's revision in the same transaction, so that a ticket
 * created against a stale copy of the policies fails its condition and matches again. The
 * revision item also counts the policies, to bound them without reading.
 */
const bumpRevision = (countDelta: -1 | 0 | 1): ExtraItem => ({
  label: REVISION_BUMP,
  item: {
    Update: {
      TableName: tableName(),
      Key: revisionKey(),
      UpdateExpression: "ADD revision :one, policyCount :delta SET entityType = :type",
      ...(countDelta === 1
        ? { ConditionExpression: "attribute_not_exists(policyCount) OR policyCount < :max" }
        : {}),
      ExpressionAttributeValues: {
        ":one": 1,
        ":delta": countDelta,
        ":type": REVISION_ENTITY_TYPE,
        ...(countDelta === 1 ? { ":max": MAX_SLA_POLICIES } : {}),
      },
    },
  },
});

const explainConflict = (error: unknown): never => {
  if (error instanceof WriteConflict) {
    for (const target of error.targets) {
      if (target.kind === "facet" && target.facet.name === "scope") {
        throw new DomainError(
          "conflict",
          "sla_policy.scope_taken",
          "Another SLA policy already has this scope; change that one, or give this one another channel or team.",
          { existingId: target.holder?.id },
        );
      }
      if (target.kind === "extra" && target.label === REVISION_BUMP) {
        throw new DomainError(
          "unprocessable",
          "sla_policy.limit_reached",
          `There can be at most ${MAX_SLA_POLICIES} SLA policies.`,
          { limit: MAX_SLA_POLICIES },
        );
      }
    }
  }
  throw error;
};

/**
 * A target must be reachable on the calendar: with very few business hours, 30 days of business
 * time may lie years ahead, beyond what a deadline can be computed for. Refused when saved, so a
 * ticket never meets a policy whose deadline cannot be computed.
 */
const checkReachable = (targets: SlaTargets, calendar: BusinessCalendar | undefined) => {
  const longest = Math.max(
    ...Object.values(targets).flatMap((t) => [t.firstResponseSeconds, t.resolutionSeconds]),
  );
  try {
    addBusinessTime(new Date(), longest, calendar ?? ALWAYS_OPEN);
  } catch {
    throw new DomainError(
      "invalid",
      "sla_policy.target_unreachable",
      `A target of ${longest} business seconds lies too far ahead on this calendar; add business hours or shorten the targets.`,
      {},
      [{ path: "body.targets", message: "Not reachable on the calendar" }],
    );
  }
};

export const createSlaPolicy = async (
  input: CreateSlaPolicy,
  actor: Principal,
): Promise<SlaPolicy> => {
  checkReachable(input.targets, input.calendar);
  const now = new Date().toISOString();
  const policy: SlaPolicy = {
    ...input,
    id: newId("sla"),
    version: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: actor.userId,
    updatedBy: actor.userId,
  };
  await createRecord(slaPolicyModel, policy, [bumpRevision(1)]).catch(explainConflict);
  return policy;
};

export const getSlaPolicy = async (id: string): Promise<SlaPolicy> =>
  (await getRecord(slaPolicyModel, id)) ?? Promise.reject(notFound("sla_policy", id));

/** Every policy, oldest first: one Query of their partition per page. */
export const listSlaPolicies = (query: {
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}): Promise<Page<SlaPolicy>> =>
  listRecords<SlaPolicy>({
    partition: POLICY_PARTITION,
    sortBeginsWith: POLICY_SORT_PREFIX,
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
  });

/**
 * Changes a policy. Tickets created before the change keep the snapshot they were given (their
 * clocks do not move); tickets created after it get the new targets and calendar.
 */
export const updateSlaPolicy = (
  id: string,
  patch: UpdateSlaPolicy,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<SlaPolicy> =>
  mutateRecord(slaPolicyModel, id, expectedVersion, (before) => {
    const after = stamp(applyPatch(before, patch), actor.userId);
    if (patch.targets || patch.calendar !== undefined) {
      checkReachable(after.targets, after.calendar);
    }
    return { after, extra: [bumpRevision(0)] };
  }).catch(explainConflict);

/** Deletes a policy; tickets it was applied to keep their snapshot and their clocks. */
export const deleteSlaPolicy = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  await removeRecord(slaPolicyModel, id, expectedVersion, actor.userId, () => [bumpRevision(-1)]);
};
