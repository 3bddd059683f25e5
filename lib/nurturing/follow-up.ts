import { createRecord, WriteConflict } from "#lib/db/record-store";
import type { Lead } from "#lib/leads/schema";
import { linkedRecordExists } from "#lib/linked-records/registry";
import { taskModel } from "#lib/tasks/keys";
import { newTask } from "#lib/tasks/lifecycle";
import type { CreateTask, Task } from "#lib/tasks/schema";
import { getTask } from "#lib/tasks/service";

/** A handed-off lead is worth a call within a working day. */
const FOLLOW_UP_DUE_MS = 24 * 60 * 60 * 1000;

/**
 * The follow-up task of a handed-off lead has the lead's own ULID (`lead_01J…` -> `task_01J…`):
 * one lead, one hand-off task, whoever creates it and however often.
 */
export const followUpTaskIdOf = (leadId: string): string => `task_${leadId.slice("lead_".length)}`;

const nameOf = (lead: Lead): string =>
  [lead.firstName, lead.lastName].filter(Boolean).join(" ") ||
  lead.companyName ||
  lead.email ||
  lead.id;

/**
 * Creates the owner's follow-up task for a lead that nurturing qualified, linked to the lead.
 * Idempotent: the task's id is derived from the lead's and created only if absent, so a retried
 * hand-off finds the task it created the first time (even if it was edited or completed since).
 */
export const createFollowUpTask = async (
  lead: Lead,
  ownerId: string,
  actor: string,
  now = new Date(),
): Promise<Task> => {
  const id = followUpTaskIdOf(lead.id);
  const input: CreateTask = {
    title: `Follow up with ${nameOf(lead)}: qualified by nurturing`,
    notes:
      `The lead reached a score of ${lead.score} during nurturing and is yours to contact.` +
      (lead.email ? ` Email: ${lead.email}.` : "") +
      (lead.phone ? ` Phone: ${lead.phone}.` : ""),
    dueAt: new Date(now.getTime() + FOLLOW_UP_DUE_MS).toISOString(),
    assigneeId: ownerId,
    priority: "high",
    links: [{ entity: "lead", id: lead.id }],
  };
  const task = newTask(id, input, actor, now);
  try {
    await createRecord(taskModel, task, input.links.map(linkedRecordExists));
    return task;
  } catch (error) {
    const exists =
      error instanceof WriteConflict && error.targets.some((target) => target.kind === "record");
    if (!exists) throw error;
    return getTask(id);
  }
};
