import { isTransactionConflict } from "#lib/db/contention";
import { listRecords } from "#lib/db/record-store";
import { DomainError } from "#lib/errors/domain-error";
import { SYSTEM_ACTOR } from "#lib/events/change-events";
import { logger } from "#lib/observability/logger";
import { mutateRecord } from "#lib/records/mutate";
import { REMINDERS_PARTITION, remindersDueBound, taskModel } from "#lib/tasks/keys";
import { fireReminder, reminderDue, TaskVerbs } from "#lib/tasks/lifecycle";
import type { Task } from "#lib/tasks/schema";

/**
 * Durable reminders without a second timer. A pending reminder is index keys on the task item
 * itself (`lib/tasks/keys.ts`): moving the reminder, completing, cancelling or deleting the task
 * moves or removes them in the same write. This sweep, run by the `task-reminder-sweep` schedule
 * (every minute in AWS, every second locally), reads the reminders that are due, oldest first,
 * one Query per page, and fires each with a write conditioned on the task's version: it stamps
 * `reminderFiredAt`, which takes the task off the reminders index, and names the change
 * `reminder_due`, so the stream publisher announces exactly one `task.reminder_due` per reminder.
 * Two sweeps that race, or a sweep retried after a crash, find the reminder fired when they read
 * the task again, and write nothing.
 */

export interface ReminderSweepOptions {
  /** Epoch ms after which no new page is started; the rest waits for the next run. */
  readonly deadline: number;
  readonly pageSize?: number;
  readonly now?: () => number;
}

export interface ReminderSweepSummary {
  /** Tasks the index listed as due. */
  readonly due: number;
  /** Reminders this sweep fired. */
  readonly fired: number;
  /** Listed but not fired: another sweep fired it, or the task moved on since the index saw it. */
  readonly skipped: number;
  /** Failed writes; the reminder stays due and the next sweep tries again. */
  readonly failed: number;
}

const ATTEMPTS = 3;

/**
 * Fires one task's reminder if it is still due at `now`, reading the task strongly first (the
 * index copy may be a moment stale). Returns whether this call fired it. Losing a race to another
 * writer (a racing sweep, or the task's owner) means reading the task again and deciding anew.
 */
export const fireDueReminder = async (taskId: string, now: Date): Promise<boolean> => {
  for (let attempt = 1; ; attempt++) {
    try {
      let fired = false;
      await mutateRecord(taskModel, taskId, undefined, (before) => {
        // No longer due (done, moved, or fired by a racing sweep): nothing to fire. Set on every
        // read, since a lost race reads the task again.
        fired = reminderDue(before, now);
        if (!fired) return null;
        return {
          after: fireReminder(before, SYSTEM_ACTOR, now),
          changeVerb: TaskVerbs.ReminderDue,
        };
      });
      return fired;
    } catch (error) {
      // Deleted since the index listed it: nothing to fire.
      if (error instanceof DomainError && error.kind === "not_found") return false;
      if (!isTransactionConflict(error) || attempt >= ATTEMPTS) throw error;
    }
  }
};

export const sweepDueReminders = async (
  options: ReminderSweepOptions,
): Promise<ReminderSweepSummary> => {
  const now = options.now ?? Date.now;
  let due = 0;
  let fired = 0;
  let skipped = 0;
  let failed = 0;
  let cursor: string | undefined;
  // One bound for the whole run: a cursor continues the list it came from.
  const bound = remindersDueBound(new Date(now()).toISOString());
  do {
    const page = await listRecords<Task>({
      index: "gsi3",
      partition: REMINDERS_PARTITION,
      sortBefore: bound,
      limit: options.pageSize ?? 25,
      cursor,
    });
    cursor = page.nextCursor ?? undefined;
    due += page.data.length;
    const outcomes = await Promise.allSettled(
      page.data.map((task) => fireDueReminder(task.id, new Date(now()))),
    );
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === "rejected") {
        failed++;
        logger.error("Could not fire a task reminder", {
          taskId: page.data[index]?.id,
          error: outcome.reason,
        });
      } else if (outcome.value) fired++;
      else skipped++;
    }
  } while (cursor && now() < options.deadline);
  if (due > 0) logger.info("Task reminder sweep", { due, fired, skipped, failed });
  return { due, fired, skipped, failed };
};
