import * as z from "zod/mini";
import { getRecord } from "#lib/db/record-store";
import { DomainError } from "#lib/errors/domain-error";
import { LeadEvents, splitDetailType } from "#lib/events/detail-types";
import { assignLead } from "#lib/lead-assignment/service";
import { rescoreLead } from "#lib/lead-scoring/service";
import { leadModel } from "#lib/leads/keys";
import type { Lead } from "#lib/leads/schema";
import { changeLeadStatus, getLead } from "#lib/leads/service";
import { touchTemplate } from "#lib/nurturing/config";
import { createFollowUpTask } from "#lib/nurturing/follow-up";
import type { NurtureTouch } from "#lib/nurturing/schema";
import { mutateRecord, stamp } from "#lib/records/mutate";

/**
 * The lead nurturing state machine's tasks (lib/nurturing/lead-nurturing.asl.json), one function
 * with an `action` per Task state. Step Functions retries a task that failed, and may run one
 * twice, so each action is idempotent: a retried touch sends nothing twice, a retried hand-off
 * qualifies, assigns and creates the task once.
 */

/** The actor of the workflow's writes. */
export const NURTURING_ACTOR = "lead-nurturing";

/** Why nurturing ends before its steps run out. */
export type StopReason =
  | "lead_deleted"
  | "converted"
  | "unqualified"
  | "already_qualified"
  | "opted_out"
  | "no_email";

/**
 * A lead that converted, was disqualified, or opted out gets nothing more; one that someone
 * qualified already belongs to sales, and a second hand-off would be noise.
 */
export const stopReasonOf = (lead: Lead): Exclude<StopReason, "no_email"> | undefined => {
  if (lead.optedOut) return "opted_out";
  if (lead.status === "converted") return "converted";
  if (lead.status === "unqualified") return "unqualified";
  if (lead.status === "qualified") return "already_qualified";
  return undefined;
};

type NurturedLead = Lead & { readonly lastNurtureTouch?: NurtureTouch };

/** `lead.nurture_touch`. */
export const NURTURE_TOUCH_VERB = splitDetailType(LeadEvents.NurtureTouch).verb;

const leadId = z.string().check(z.minLength(1), z.maxLength(64));

export const nurtureTaskInput = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("touch"),
    leadId,
    stepIndex: z.int().check(z.minimum(0)),
    touch: touchTemplate,
  }),
  z.strictObject({
    action: z.literal("evaluate"),
    leadId,
    qualificationThreshold: z.int(),
  }),
  z.strictObject({ action: z.literal("hand_off"), leadId }),
]);
export type NurtureTaskInput = z.infer<typeof nurtureTaskInput>;

export type TouchResult =
  | { readonly outcome: "sent"; readonly step: number; readonly duplicate: boolean }
  | { readonly outcome: "stop"; readonly reason: StopReason };

/**
 * Sends step `stepIndex`'s touch: records it on the lead as `lastNurtureTouch`, a write announced
 * as `lead.nurture_touch`, which the email integration delivers. A lead still `new` becomes
 * `nurturing` in the same write. The step's touch is recorded once: a retry finds it there and
 * writes nothing. A lead that must not be touched any more stops the workflow instead.
 */
export const sendTouch = async (input: {
  readonly leadId: string;
  readonly stepIndex: number;
  readonly touch: string;
}): Promise<TouchResult> => {
  const step = input.stepIndex + 1;
  try {
    // What this touch came to, decided afresh on every read of the lead (a lost race reads again).
    let result: TouchResult = { outcome: "sent", step, duplicate: false };
    await mutateRecord(leadModel, input.leadId, undefined, (lead: NurturedLead) => {
      // A lead whose address was removed could receive no touch.
      const reason = stopReasonOf(lead) ?? (lead.email ? undefined : "no_email");
      if (reason) {
        result = { outcome: "stop", reason };
        return null;
      }
      if ((lead.lastNurtureTouch?.step ?? 0) >= step) {
        result = { outcome: "sent", step, duplicate: true };
        return null;
      }
      result = { outcome: "sent", step, duplicate: false };
      const now = new Date();
      const after: NurturedLead = stamp(
        {
          ...lead,
          lastNurtureTouch: { step, touch: input.touch, touchedAt: now.toISOString() },
          ...(lead.status === "new"
            ? { status: "nurturing" as const, statusChangedAt: now.toISOString() }
            : {}),
        },
        NURTURING_ACTOR,
        now,
      );
      return { after, changeVerb: NURTURE_TOUCH_VERB };
    });
    return result;
  } catch (error) {
    if (error instanceof DomainError && error.kind === "not_found") {
      return { outcome: "stop", reason: "lead_deleted" };
    }
    throw error;
  }
};

export type Evaluation =
  | { readonly outcome: "hand_off" | "continue"; readonly score: number }
  | { readonly outcome: "stop"; readonly reason: StopReason };

/**
 * Re-scores the lead now, from everything it has done (opens, clicks, visits, activities), and
 * decides: hand it off once the score reaches the threshold, stop if it must not be nurtured
 * any more, or go on with the next step.
 */
export const evaluateLead = async (input: {
  readonly leadId: string;
  readonly qualificationThreshold: number;
}): Promise<Evaluation> => {
  const before = await getRecord(leadModel, input.leadId);
  if (!before) return { outcome: "stop", reason: "lead_deleted" };
  const reason = stopReasonOf(before);
  if (reason) return { outcome: "stop", reason };
  const lead = (await rescoreLead(input.leadId)) ?? before;
  const after = stopReasonOf(lead);
  if (after) return { outcome: "stop", reason: after };
  return {
    outcome: lead.score >= input.qualificationThreshold ? "hand_off" : "continue",
    score: lead.score,
  };
};

export type HandOffResult =
  | {
      readonly outcome: "handed_off";
      readonly ownerId: string | null;
      readonly taskId: string | null;
    }
  | {
      readonly outcome: "stop";
      readonly reason: Exclude<StopReason, "already_qualified" | "no_email">;
    };

/**
 * Hands a qualified lead to sales: marks it qualified (`lead.qualified`), gives it an owner by
 * the assignment rules unless it has one, and creates the owner's follow-up task. Each part is
 * idempotent, so a retried hand-off finishes what a failed one started: the status change writes
 * nothing when the lead is qualified already, assignment writes only an owner-less lead, and the
 * task's id is derived from the lead's.
 */
export const handOff = async (input: { readonly leadId: string }): Promise<HandOffResult> => {
  const lead = await getRecord(leadModel, input.leadId);
  if (!lead) return { outcome: "stop", reason: "lead_deleted" };
  const reason = stopReasonOf(lead);
  // Qualified already is what a retry of a half-done hand-off finds: carry on.
  if (reason && reason !== "already_qualified") return { outcome: "stop", reason };
  if (lead.status !== "qualified") {
    await changeLeadStatus(
      lead.id,
      { status: "qualified", reason: `Nurturing: the score ${lead.score} reached the threshold` },
      undefined,
      NURTURING_ACTOR,
    );
  }
  let ownerId = lead.ownerId;
  if (ownerId === undefined) {
    const assignment = await assignLead(lead.id, NURTURING_ACTOR);
    ownerId =
      assignment.outcome === "assigned"
        ? assignment.ownerId
        : assignment.outcome === "already_owned"
          ? (await getLead(lead.id)).ownerId
          : undefined;
  }
  if (ownerId === undefined) return { outcome: "handed_off", ownerId: null, taskId: null };
  const task = await createFollowUpTask(lead, ownerId, NURTURING_ACTOR);
  return { outcome: "handed_off", ownerId, taskId: task.id };
};

export type NurtureTaskResult = TouchResult | Evaluation | HandOffResult;

/** One Task state's work, by its `action`. */
export const runNurtureTask = (input: NurtureTaskInput): Promise<NurtureTaskResult> => {
  switch (input.action) {
    case "touch":
      return sendTouch(input);
    case "evaluate":
      return evaluateLead(input);
    case "hand_off":
      return handOff(input);
  }
};
