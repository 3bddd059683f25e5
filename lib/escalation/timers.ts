import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { TIMER_ENTITY, timerKey } from "#lib/escalation/keys";
import {
  executionNameOf,
  startNamedExecution,
  stopNamedExecution,
} from "#lib/workflows/executions";

/**
 * A ticket's SLA timer: one execution of the `ticket-escalation` state machine at a time, which
 * waits (Wait `TimestampPath`) until the ticket's next warning or deadline, runs the SLA check,
 * and waits again. A Wait cannot be interrupted, so a ticket change that moves the instant
 * replaces the execution: the old one is stopped and a new one starts, named after the ticket
 * version whose change moved the timer (`ticket-<id>` for the creation, `ticket-<id>-v<n>`
 * after). The timer item (keys.ts) records the owner; see docs/workflows.md.
 */

/** The declared state machine (lib/wiring/state-machines.ts). */
export const TICKET_ESCALATION = "ticket-escalation";

/** The execution that owns the timer set by version `generation` of the ticket. */
export const escalationExecutionName = (ticketId: string, generation: number): string =>
  generation === 1
    ? executionNameOf("ticket", ticketId)
    : executionNameOf("ticket", `${ticketId}-v${generation}`);

/** An execution's input: which ticket, and which generation of its timer it is. */
export interface EscalationInput {
  readonly ticketId: string;
  readonly generation: number;
}

export interface TimerItem {
  readonly ticketId: string;
  readonly generation: number;
  /** The owning execution; absent when no clock runs (paused, solved, no SLA). */
  readonly executionName?: string;
  /** The instant it was started to wait for (its check may since have moved on). */
  readonly nextAt?: string;
  /** The ticket was deleted: no change of it may start a timer again. */
  readonly deleted?: boolean;
  readonly updatedAt: string;
}

/** Deleted tickets' items go after this long: later than any redelivery of their events. */
const DELETED_RETENTION_SECONDS = 14 * 24 * 60 * 60;

export const readTimer = async (ticketId: string): Promise<TimerItem | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: timerKey(ticketId), ConsistentRead: true }),
  );
  return Item as TimerItem | undefined;
};

/** Whether a newer change of the ticket (or its deletion) owns its timer now. */
export const isSuperseded = (holder: TimerItem | undefined, generation: number): boolean =>
  holder !== undefined && (holder.deleted === true || holder.generation > generation);

/**
 * Writes the owner if the item is still as read (`seen`): false when another delivery moved the
 * timer in between, so the caller reads again and decides again.
 */
const claimTimer = async (item: TimerItem, seen: TimerItem | undefined): Promise<boolean> => {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...timerKey(item.ticketId), entityType: TIMER_ENTITY, ...item },
        ...(seen
          ? {
              ConditionExpression: "generation = :seen AND attribute_not_exists(deleted)",
              ExpressionAttributeValues: { ":seen": seen.generation },
            }
          : { ConditionExpression: "attribute_not_exists(pk)" }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

const stop = (name: string | undefined, cause: string) =>
  name ? stopNamedExecution(TICKET_ESCALATION, name, cause) : Promise.resolve();

export type MoveOutcome =
  | { readonly outcome: "moved"; readonly executionName?: string; readonly stopped?: string }
  | { readonly outcome: "already_moved" | "superseded" };

/** Reads, decides and claims; a lost claim is decided again on what won. */
const ATTEMPTS = 5;

/**
 * Moves the timer of a ticket to what version `generation` of it says: stops the execution that
 * owns it now, starts one named for this generation when a clock runs (`nextAt`), and records
 * the new owner, conditionally on the owner it replaced. Idempotent and order-proof:
 * - a change older than the owner's (a late or redelivered event) changes nothing, and stops
 *   the execution it may itself have started on an earlier attempt;
 * - a repeat of the owner's own change finds its work done;
 * - two changes at once: the claim of one fails, and it decides again on the winner.
 * Stop and start are themselves idempotent (a name is taken for good), so a crash between any
 * two steps is repaired by the event's redelivery.
 */
export const moveTimer = async (
  ticketId: string,
  generation: number,
  nextAt: string | undefined,
  now = new Date(),
): Promise<MoveOutcome> => {
  const name = escalationExecutionName(ticketId, generation);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const holder = await readTimer(ticketId);
    if (isSuperseded(holder, generation)) {
      await stop(name, `superseded by version ${holder?.generation} of the ticket`);
      return { outcome: "superseded" };
    }
    if (holder?.generation === generation) return { outcome: "already_moved" };
    // Without an item, the creation's execution may still run: its event can come late, or
    // its delivery may have started it and failed before recording it.
    const previous = holder ? holder.executionName : escalationExecutionName(ticketId, 1);
    if (previous !== name)
      await stop(previous, `the ticket's version ${generation} moved its timer`);
    if (nextAt !== undefined) {
      const input: EscalationInput = { ticketId, generation };
      await startNamedExecution(TICKET_ESCALATION, name, input);
    }
    const claimed = await claimTimer(
      {
        ticketId,
        generation,
        ...(nextAt !== undefined ? { executionName: name, nextAt } : {}),
        updatedAt: now.toISOString(),
      },
      holder,
    );
    if (claimed) {
      return {
        outcome: "moved",
        ...(nextAt !== undefined ? { executionName: name } : {}),
        ...(previous && previous !== name ? { stopped: previous } : {}),
      };
    }
  }
  throw new Error(`The timer of ${ticketId} kept changing under version ${generation}`);
};

/**
 * The ticket was deleted: its execution stops, and the item is marked so that no late event of
 * the ticket starts a timer again (the item expires after the redelivery window).
 */
export const removeTimer = async (ticketId: string, now = new Date()): Promise<void> => {
  const holder = await readTimer(ticketId);
  await stop(
    holder ? holder.executionName : escalationExecutionName(ticketId, 1),
    "the ticket was deleted",
  );
  await documentClient.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...timerKey(ticketId),
        entityType: TIMER_ENTITY,
        ticketId,
        generation: holder?.generation ?? 0,
        deleted: true,
        updatedAt: now.toISOString(),
        ttl: Math.floor(now.getTime() / 1000) + DELETED_RETENTION_SECONDS,
      },
    }),
  );
};
