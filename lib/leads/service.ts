import type { Principal } from "#lib/auth/principal";
import { revisionCondition, withDefinitions } from "#lib/custom-fields/definitions";
import { validateCustomFieldValues } from "#lib/custom-fields/validate-values";
import {
  createRecord,
  type ExtraItem,
  getRecord,
  getRecordWith,
  listRecords,
} from "#lib/db/record-store";
import { engagementKey, removeEngagement } from "#lib/engagement/keys";
import { engagementOf } from "#lib/engagement/state";
import { DomainError, notFound } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import {
  byOwnerPartition,
  bySourcePartition,
  byStatusPartition,
  leadKey,
  leadModel,
} from "#lib/leads/keys";
import {
  type ChangeLeadStatus,
  type CreateLead,
  type Lead,
  type LeadConversion,
  type LeadDetail,
  type ListLeadsQuery,
  MAX_SCORE,
  MAX_SCORE_BREAKDOWN,
  type ScoreBreakdownEntry,
  score,
  scoreBreakdown,
  type UpdateLead,
} from "#lib/leads/schema";
import { assertStatusTransition, statusChangeVerb } from "#lib/leads/status";
import type { WebFormLead } from "#lib/leads/web-form-schema";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";
import { newId } from "#lib/records/ids";
import { applyPatch, type Mutation, mutateRecord, removeRecord, stamp } from "#lib/records/mutate";

/**
 * Leads: people and companies that may become customers. Every write goes through the record
 * store, so each one is announced on the bus by the stream publisher:
 *
 * | change                          | event              | operation              |
 * |---------------------------------|--------------------|------------------------|
 * | created (API or web form)       | `lead.created`     | `createLead`, `captureWebFormLead` |
 * | details, owner, opt-out changed | `lead.updated`     | `updateLead`           |
 * | status changed                  | `lead.updated` (`changes.status`), or `lead.qualified` | `changeLeadStatus` |
 * | owner given by assignment rules | `lead.assigned`    | `assignLeadOwner` (lib/lead-assignment) |
 * | score recomputed                | `lead.score_changed` | `setLeadScore`       |
 * | converted                       | `lead.converted`   | `markLeadConverted`    |
 * | deleted                         | `lead.deleted`     | `deleteLead`           |
 */

/** The actor of leads captured by the public web form; no user is behind them. */
export const WEB_FORM_ACTOR = "web-form";

/** The fields the server sets on every new lead. */
type ServerSet = "id" | "version" | "createdAt" | "updatedAt" | "createdBy" | "updatedBy";

const newLead = (fields: Omit<Lead, ServerSet>, actor: string, now: string): Lead => ({
  ...fields,
  id: newId("lead"),
  version: 1,
  createdAt: now,
  updatedAt: now,
  createdBy: actor,
  updatedBy: actor,
});

export const createLead = (input: CreateLead, actor: Principal): Promise<Lead> =>
  withDefinitions("lead", async (definitions) => {
    const now = new Date().toISOString();
    const lead = newLead(
      {
        ...input,
        customFields: validateCustomFieldValues(definitions, input.customFields),
        statusChangedAt: now,
        score: 0,
        scoreBreakdown: [],
      },
      actor.userId,
      now,
    );
    await createRecord(leadModel, lead, [revisionCondition(definitions)]);
    return lead;
  });

/**
 * A lead from the public web form: source `web_form`, status `new`, no owner (assignment rules
 * give it one from the `lead.created` event), opted out unless the visitor consented. It carries
 * no custom fields, so required lead custom fields are left for sales to fill in.
 */
export const captureWebFormLead = async (input: WebFormLead): Promise<Lead> => {
  const { consent, form, honeypot: _empty, ...details } = input;
  const now = new Date().toISOString();
  const lead = newLead(
    {
      ...details,
      source: "web_form",
      ...(form === undefined ? {} : { sourceDetail: form }),
      status: "new",
      statusChangedAt: now,
      score: 0,
      scoreBreakdown: [],
      optedOut: !consent,
      customFields: {},
    },
    WEB_FORM_ACTOR,
    now,
  );
  await createRecord(leadModel, lead);
  return lead;
};

export const getLead = async (id: string): Promise<Lead> =>
  (await getRecord(leadModel, id)) ?? Promise.reject(notFound("lead", id));

/** `GET /leads/{id}`: the lead and its engagement (a companion item), in one BatchGetItem. */
export const getLeadDetail = async (id: string): Promise<LeadDetail> => {
  const { record, companions } = await getRecordWith(leadModel, id, [engagementKey(leadKey(id))]);
  if (!record) throw notFound("lead", id);
  return { ...record, engagement: engagementOf(companions[0]) };
};

const refuseConverted = (lead: Lead, what: string) => {
  if (lead.status === "converted") {
    throw new DomainError(
      "conflict",
      "lead.already_converted",
      `The lead ${lead.id} is converted; ${what}.`,
      { id: lead.id, conversion: lead.conversion },
    );
  }
};

export const updateLead = (
  id: string,
  patch: UpdateLead,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Lead> =>
  withDefinitions("lead", (definitions) =>
    mutateRecord(leadModel, id, expectedVersion, (before) => {
      refuseConverted(before, "its contact, company and deal hold its details now");
      const { customFields, ...fields } = patch;
      return {
        after: stamp(
          {
            ...applyPatch(before, fields),
            customFields: customFields
              ? validateCustomFieldValues(definitions, customFields, before.customFields)
              : before.customFields,
          },
          actor.userId,
        ),
        extra: [revisionCondition(definitions)],
      };
    }),
  );

/**
 * Moves a lead to another status, if `LEAD_STATUS_TRANSITIONS` allows it. Setting the status it
 * already has changes nothing and writes nothing. Qualification is announced as
 * `lead.qualified`, every other change as `lead.updated` with `changes.status`. Nurturing's
 * hand-off calls this with `{ status: "qualified" }`.
 */
export const changeLeadStatus = async (
  id: string,
  change: ChangeLeadStatus,
  expectedVersion: number | undefined,
  actor: string,
): Promise<Lead> =>
  mutateRecord(leadModel, id, expectedVersion, (before): Mutation<Lead> | null => {
    assertStatusTransition(id, before.status, change.status);
    if (before.status === change.status) return null;
    const { statusReason: _previous, ...rest } = before;
    const now = new Date();
    const after = stamp(
      {
        ...rest,
        status: change.status,
        ...(change.reason === undefined ? {} : { statusReason: change.reason }),
        statusChangedAt: now.toISOString(),
      },
      actor,
      now,
    );
    const verb = statusChangeVerb(change.status);
    return verb ? { after, changeVerb: verb } : { after };
  });

/** An owner chosen by the assignment rules (lib/lead-assignment). */
export interface LeadAssignment {
  readonly ownerId: string;
  readonly teamId?: string;
  /** The name of the rule that matched. */
  readonly rule: string;
}

/**
 * For lib/lead-assignment: gives a lead without an owner the owner the rules chose, announced as
 * `lead.assigned`. A lead that has an owner by now (set by hand, or by an earlier delivery of the
 * same event) or that is converted is returned unchanged, with `assigned: false`.
 */
export const assignLeadOwner = async (
  id: string,
  assignment: LeadAssignment,
  actor: string,
): Promise<{ readonly lead: Lead; readonly assigned: boolean }> => {
  let assigned = false;
  const lead = await mutateRecord(leadModel, id, undefined, (before): Mutation<Lead> | null => {
    // Set on every attempt: a retried mutation may find the owner a concurrent write gave.
    assigned = before.ownerId === undefined && before.status !== "converted";
    if (!assigned) return null;
    const { teamId: _previous, ...rest } = before;
    return {
      after: stamp(
        {
          ...rest,
          ownerId: assignment.ownerId,
          ...(assignment.teamId === undefined ? {} : { teamId: assignment.teamId }),
          assignedByRule: assignment.rule,
        },
        actor,
      ),
      changeVerb: "assigned",
    };
  });
  return { lead, assigned };
};

export interface LeadScore {
  readonly score: number;
  readonly breakdown: readonly ScoreBreakdownEntry[];
}

/** Field by field: a stored map comes back from DynamoDB with its keys in any order. */
const sameBreakdown = (a: readonly ScoreBreakdownEntry[], b: readonly ScoreBreakdownEntry[]) =>
  a.length === b.length &&
  a.every((entry, i) => {
    const other = b[i];
    return (
      other !== undefined &&
      entry.rule === other.rule &&
      entry.category === other.category &&
      entry.points === other.points &&
      entry.detail === other.detail
    );
  });

/**
 * For lib/lead-scoring: stores a lead's recomputed score with its rule-by-rule explanation.
 *
 * The write is announced as `lead.score_changed` (never `lead.updated`), so a scorer that reacts
 * to `lead.updated` does not feed on its own writes. A score and breakdown equal to the stored
 * ones write nothing and announce nothing. Converted leads keep the score they converted with.
 * `score` must be a whole number within ±MAX_SCORE (lib/leads/schema.ts).
 */
export const setLeadScore = async (id: string, next: LeadScore, actor: string): Promise<Lead> => {
  if (!score.safeParse(next.score).success || !scoreBreakdown.safeParse(next.breakdown).success) {
    throw new DomainError(
      "invalid",
      "lead.invalid_score",
      `A score is a whole number within ±${MAX_SCORE}, explained by at most ${MAX_SCORE_BREAKDOWN} rules.`,
      { id },
    );
  }
  return mutateRecord(leadModel, id, undefined, (before): Mutation<Lead> | null => {
    if (
      before.status === "converted" ||
      (before.score === next.score && sameBreakdown(before.scoreBreakdown, next.breakdown))
    ) {
      return null;
    }
    const now = new Date();
    return {
      after: stamp(
        {
          ...before,
          score: next.score,
          scoreBreakdown: [...next.breakdown],
          scoredAt: now.toISOString(),
        },
        actor,
        now,
      ),
      changeVerb: "score_changed",
    };
  });
};

/** What conversion wrote besides the lead, in the lead's own transaction. */
export interface ConversionPlan {
  readonly conversion: Omit<LeadConversion, "convertedAt" | "convertedBy">;
  /** The contact, company and deal writes (and their conditions) that commit with the lead. */
  readonly extra: readonly ExtraItem[];
}

/**
 * For lib/lead-conversion: marks a lead converted, in ONE transaction with the records it became.
 * `plan` sees the current lead and returns the links plus the transaction items that create or
 * link the contact, company and deal; the lead's version condition makes the whole transaction
 * fail if the lead changed meanwhile (then `plan` runs again on the fresh lead, up to three
 * times). Announced as `lead.converted`. A lead that is already converted is a 409
 * `lead.already_converted` whose `conversion` extension says what it became, so a retried
 * conversion can answer with the first result.
 */
export const markLeadConverted = (
  id: string,
  expectedVersion: number | undefined,
  actor: string,
  plan: (lead: Lead) => ConversionPlan | Promise<ConversionPlan>,
): Promise<Lead> =>
  mutateRecord(leadModel, id, expectedVersion, async (before) => {
    refuseConverted(before, "it converts once");
    const { conversion, extra } = await plan(before);
    const { statusReason: _previous, ...rest } = before;
    const now = new Date();
    return {
      after: stamp(
        {
          ...rest,
          status: "converted",
          statusChangedAt: now.toISOString(),
          conversion: { ...conversion, convertedAt: now.toISOString(), convertedBy: actor },
        },
        actor,
        now,
      ),
      extra,
      changeVerb: "converted",
    };
  });

export const deleteLead = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  await removeRecord(leadModel, id, expectedVersion, actor.userId, () => [
    removeEngagement(leadKey(id)),
  ]);
};

/**
 * The three list views, each one Query per page on its own index: by status with the highest
 * score first, by owner newest first, by source newest first. There is no unfiltered list: leads
 * are worked from a queue (a status, an owner), and an index of every lead would serve no view.
 */
export const listLeads = async (query: ListLeadsQuery): Promise<Page<Lead>> => {
  const views = (["status", "ownerId", "source"] as const).filter((v) => query[v] !== undefined);
  if (views.length !== 1) {
    const message =
      views.length === 0
        ? "Choose a view: status, ownerId or source"
        : `Views ${views.join(", ")} cannot be combined`;
    throw new DomainError(
      "invalid",
      views.length === 0 ? "lead.view_required" : "lead.filters_not_combinable",
      `${message}.`,
      {},
      [{ path: "query", message }],
    );
  }
  const page = { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor };
  if (query.status !== undefined) {
    return listRecords<Lead>({
      index: "gsi2",
      partition: byStatusPartition(query.status),
      ...page,
    });
  }
  if (query.ownerId !== undefined) {
    return listRecords<Lead>({
      index: "gsi1",
      partition: byOwnerPartition(query.ownerId),
      newestFirst: true,
      ...page,
    });
  }
  return listRecords<Lead>({
    index: "gsi3",
    partition: bySourcePartition(query.source ?? "other"),
    newestFirst: true,
    ...page,
  });
};
