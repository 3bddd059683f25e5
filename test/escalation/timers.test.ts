import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runEscalationTask } from "#lib/escalation/steps";
import {
  escalationExecutionName,
  moveTimer,
  readTimer,
  removeTimer,
  TICKET_ESCALATION,
} from "#lib/escalation/timers";
import { stateMachineArnVariable } from "#lib/wiring/state-machines";
import { startNamedExecution } from "#lib/workflows/executions";
import { createTestTable } from "#test/support/dynamodb";

/**
 * The SLA timer's owner against DynamoDB Local, with Step Functions faked (the point here is
 * which executions are started and stopped, in which order the events come): each change that
 * moves the timer replaces the execution once; a late, repeated or concurrent event leaves the
 * newest change's execution as the only one.
 */
const sfn = mockClient(SFNClient);
const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:TicketEscalation-Ab1";
let running: Set<string>;
let started: string[];
let stopped: string[];
let counter = 0;
const newTicketId = () => `tkt_01JD7QG5H6J7K8M9N0P1Q2R${String(++counter).padStart(3, "0")}`;
const nameOf = (arn: string | undefined) => String(arn).split(":").at(-1) ?? "";

beforeAll(async () => {
  await createTestTable("escalation-timers");
  process.env[stateMachineArnVariable(TICKET_ESCALATION)] = MACHINE;
});

afterAll(() => {
  sfn.restore();
});

beforeEach(() => {
  running = new Set();
  started = [];
  stopped = [];
  const names = new Set<string>();
  sfn.reset();
  // A name is taken for good, as in Step Functions.
  sfn.on(StartExecutionCommand).callsFake(async (input: { name: string }) => {
    if (names.has(input.name)) {
      throw new ExecutionAlreadyExists({ message: "taken", $metadata: {} });
    }
    names.add(input.name);
    running.add(input.name);
    started.push(input.name);
    return { executionArn: `${MACHINE.replace("stateMachine", "execution")}:${input.name}` };
  });
  sfn.on(StopExecutionCommand).callsFake(async (input: { executionArn: string }) => {
    const name = nameOf(input.executionArn);
    if (!names.has(name)) throw new ExecutionDoesNotExist({ message: "none", $metadata: {} });
    running.delete(name);
    stopped.push(name);
    return {};
  });
});

const at = "2026-11-23T09:00:10.000Z";

describe("moving a ticket's SLA timer", () => {
  it("starts the creation's execution once, however often the event comes", async () => {
    const id = newTicketId();
    expect(await moveTimer(id, 1, at)).toEqual({
      outcome: "moved",
      executionName: `ticket-${id}`,
    });
    expect(await moveTimer(id, 1, at)).toEqual({ outcome: "already_moved" });
    expect(started).toEqual([`ticket-${id}`]);
    expect(await readTimer(id)).toMatchObject({
      generation: 1,
      executionName: `ticket-${id}`,
      nextAt: at,
    });
  });

  it("replaces the execution on each move, stops it when no clock runs, and ignores late events", async () => {
    const id = newTicketId();
    await moveTimer(id, 1, at);
    expect(await moveTimer(id, 3, at)).toEqual({
      outcome: "moved",
      executionName: `ticket-${id}-v3`,
      stopped: `ticket-${id}`,
    });
    expect([...running]).toEqual([`ticket-${id}-v3`]);

    // Version 2's event comes after version 3's: it owns nothing and starts nothing.
    expect(await moveTimer(id, 2, "2026-11-23T09:00:05.000Z")).toEqual({ outcome: "superseded" });
    expect([...running]).toEqual([`ticket-${id}-v3`]);

    // Paused or solved: no clock runs, no execution waits.
    expect(await moveTimer(id, 4, undefined)).toEqual({
      outcome: "moved",
      stopped: `ticket-${id}-v3`,
    });
    expect(running.size).toBe(0);
    const item = await readTimer(id);
    expect(item?.generation).toBe(4);
    expect(item?.executionName).toBeUndefined();

    // Reopened: a new execution for the version that started the clock again.
    await moveTimer(id, 5, at);
    expect([...running]).toEqual([`ticket-${id}-v5`]);
  });

  it("stops the creation's execution when a later change comes first, and the creation comes late", async () => {
    const id = newTicketId();
    // The creation's delivery started its execution, then failed before recording it.
    await startNamedExecution(TICKET_ESCALATION, `ticket-${id}`, { ticketId: id, generation: 1 });
    expect(await moveTimer(id, 2, at)).toMatchObject({ outcome: "moved" });
    expect([...running]).toEqual([`ticket-${id}-v2`]);
    expect(await moveTimer(id, 1, at)).toEqual({ outcome: "superseded" });
    expect([...running]).toEqual([`ticket-${id}-v2`]);
  });

  it("leaves one execution, the newest change's, when two changes are handled at once", async () => {
    const id = newTicketId();
    await moveTimer(id, 1, at);
    const outcomes = await Promise.all([
      moveTimer(id, 5, at),
      moveTimer(id, 6, "2026-11-23T09:00:20.000Z"),
      moveTimer(id, 6, "2026-11-23T09:00:20.000Z"),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toContain("moved");
    expect([...running]).toEqual([`ticket-${id}-v6`]);
    expect((await readTimer(id))?.generation).toBe(6);
  });

  it("stops the timer of a deleted ticket, and no late event starts it again", async () => {
    const id = newTicketId();
    await moveTimer(id, 1, at);
    await moveTimer(id, 2, at);
    await removeTimer(id);
    expect(running.size).toBe(0);
    expect(await moveTimer(id, 3, at)).toEqual({ outcome: "superseded" });
    expect(running.size).toBe(0);
    expect(await readTimer(id)).toMatchObject({ deleted: true });
  });
});

describe("the escalation task", () => {
  it("ends an execution a newer change superseded, without checking the ticket", async () => {
    const id = newTicketId();
    await moveTimer(id, 1, at);
    await moveTimer(id, 2, at);
    for (const action of ["plan", "check"] as const) {
      expect(await runEscalationTask({ action, ticketId: id, generation: 1, dueAt: at })).toEqual({
        done: true,
        reason: "superseded",
        steps: [],
      });
    }
  });

  it("ends the execution of a ticket that is gone", async () => {
    const id = newTicketId();
    for (const action of ["plan", "check"] as const) {
      expect(await runEscalationTask({ action, ticketId: id, generation: 1, dueAt: at })).toEqual({
        done: true,
        reason: "ticket_deleted",
        steps: [],
      });
    }
    expect(escalationExecutionName(id, 1)).toBe(`ticket-${id}`);
  });
});
