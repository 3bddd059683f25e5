import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NurturingConfig } from "#lib/nurturing/config";
import { followUpTaskIdOf } from "#lib/nurturing/follow-up";
import { nurtureExecutionName } from "#lib/nurturing/starter";
import type { LocalBusEvent } from "#local/event-bus";
import type { ExecutionDescription } from "#local/state-machines";
import { startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * Lead nurturing end to end, through the local runtime: the web form creates a lead, the
 * `lead.created` rule starts the state machine (once), touches go out at one-second waits, an
 * email open raises the score through lead scoring, and the lead is handed off to sales; a lead
 * that opts out stops early. The configuration reaches the starter as in AWS, through
 * NURTURING_CONFIG.
 */

const nurturing: NurturingConfig = {
  sources: ["web_form", "referral"],
  steps: [
    { waitSeconds: 1, touch: "welcome" },
    // The opt-out test acts between the first and second touch: room for a busy machine.
    { waitSeconds: 3, touch: "case-study" },
    { waitSeconds: 2, touch: "check-in" },
  ],
  qualificationThreshold: 40,
};

let crm: TestRuntime;
let sequence = 0;
/** Lower-case, as the CRM stores addresses. */
const uniqueEmail = (name: string) =>
  `${name.toLowerCase()}-${Date.now().toString(36)}-${sequence++}@e2e.example`;

interface Lead {
  readonly id: string;
  readonly status: string;
  readonly ownerId?: string;
  readonly score: number;
  readonly optedOut: boolean;
}
interface Task {
  readonly id: string;
  readonly assigneeId: string;
  readonly status: string;
  readonly links: readonly { entity: string; id: string }[];
}

const submitWebForm = async (
  name: string,
  consent = true,
): Promise<{ id: string; email: string }> => {
  const email = uniqueEmail(name);
  const created = await crm.anonymous.post<{ id: string }>("/web-forms/leads", {
    firstName: name,
    lastName: "Tester",
    email,
    companyName: "Nurture Inc",
    consent,
  });
  expect(created.status).toBe(201);
  return { id: created.body.id, email };
};

const isFor = (detailType: string, leadId: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && (event.detail as { id?: unknown }).id === leadId;

const touchesOf = (leadId: string) =>
  crm.bus
    .events()
    .filter(isFor("lead.nurture_touch", leadId))
    .map(
      (event) =>
        (event.detail as { data: { lastNurtureTouch: { step: number; touch: string } } }).data
          .lastNurtureTouch,
    );

const executionsOf = async (leadId: string): Promise<ExecutionDescription[]> =>
  (await crm.runtime.stateMachines.listExecutions("lead-nurturing")).filter(
    (execution) => JSON.parse(execution.input).leadId === leadId,
  );

const finishedExecutionOf = async (leadId: string): Promise<ExecutionDescription> => {
  const [execution] = await executionsOf(leadId);
  if (!execution) throw new Error(`no execution for ${leadId}`);
  return crm.runtime.stateMachines.waitForExecution(execution.executionArn, 30_000);
};

beforeAll(async () => {
  // Read by the starter on every event, as the CDK sets it on the function in AWS.
  process.env.NURTURING_CONFIG = JSON.stringify(nurturing);
  crm = await startTestRuntime();
  const admin = crm.as("admin");
  const model = await admin.put("/lead-scoring/model", {
    fitRules: [],
    engagementRules: [{ id: "opened-email", signal: "email_opened", points: 50 }],
  });
  expect(model.status).toBe(200);
  const assignment = await admin.put("/lead-assignment", {
    rules: [{ name: "Everyone to Sam", assignTo: { userId: "user-sam" } }],
    teams: [],
  });
  expect(assignment.status).toBe(200);
});

afterAll(async () => {
  delete process.env.NURTURING_CONFIG;
  await crm?.stop();
});

describe("lead nurturing, end to end", () => {
  it("nurtures a web form lead, and hands it off to sales once engagement raises its score", async () => {
    const { id, email } = await submitWebForm("Ada");

    // The first touch, after the first one-second wait.
    const touch = await crm.bus.waitFor(isFor("lead.nurture_touch", id), 15_000);
    expect(touch.detail).toMatchObject({
      actor: "lead-nurturing",
      data: { id, email, status: "nurturing", lastNurtureTouch: { step: 1, touch: "welcome" } },
    });
    const [execution] = await executionsOf(id);
    expect(execution?.name).toBe(nurtureExecutionName(id));

    // The lead opens the email: the integration says so on the bus, scoring records it.
    const results = await crm.bus.put([
      {
        Source: "integration.mailer",
        DetailType: "email.opened",
        EventBusName: crm.bus.eventBusName,
        Detail: JSON.stringify({
          externalId: `open-${id}`,
          occurredAt: new Date().toISOString(),
          email,
          campaign: "welcome",
        }),
      },
    ]);
    expect(results[0]).toHaveProperty("EventId");

    const qualified = await crm.bus.waitFor(isFor("lead.qualified", id), 30_000);
    expect(qualified.detail).toMatchObject({
      actor: "lead-nurturing",
      data: { status: "qualified" },
    });

    const done = await finishedExecutionOf(id);
    expect(done.status).toBe("SUCCEEDED");
    const output = JSON.parse(done.output ?? "{}") as { handOff?: unknown };
    const taskId = followUpTaskIdOf(id);
    expect(output.handOff).toEqual({ outcome: "handed_off", ownerId: "user-sam", taskId });

    const lead = await crm.as("sales").get<Lead>(`/leads/${id}`);
    expect(lead.body).toMatchObject({ status: "qualified", ownerId: "user-sam" });
    expect(lead.body.score).toBeGreaterThanOrEqual(nurturing.qualificationThreshold);

    const task = await crm.as("sales", "user-sam").get<Task>(`/tasks/${taskId}`);
    expect(task.status).toBe(200);
    expect(task.body).toMatchObject({
      assigneeId: "user-sam",
      status: "open",
      links: [{ entity: "lead", id }],
    });

    // Each touch went out once, in order, and none after the hand-off.
    const touches = touchesOf(id);
    expect(touches.map((t) => t.step)).toEqual(touches.map((_, index) => index + 1));
    expect(touches.length).toBeLessThanOrEqual(nurturing.steps.length);
  });

  it("starts one execution per lead, however often lead.created is delivered", async () => {
    const { id } = await submitWebForm("Grace");
    const created = await crm.bus.waitFor(isFor("lead.created", id));
    await crm.bus.idle();
    expect(await executionsOf(id)).toHaveLength(1);

    // EventBridge delivers at least once: the same event again, twice.
    await crm.bus.put(
      [1, 2].map(() => ({
        Source: created.source,
        DetailType: created["detail-type"],
        EventBusName: crm.bus.eventBusName,
        Detail: JSON.stringify(created.detail),
      })),
    );
    await crm.bus.idle();
    const executions = await executionsOf(id);
    expect(executions).toHaveLength(1);
    expect(executions[0]?.name).toBe(nurtureExecutionName(id));
    expect((await crm.bus.deadLetters()).filter((d) => d.rule === "nurture-start")).toEqual([]);
    await crm.runtime.stateMachines.stopExecution(executions[0]?.executionArn ?? "");
  });

  it("stops early and cleanly when the lead opts out, sending nothing more", async () => {
    const { id } = await submitWebForm("Linus");
    await crm.bus.waitFor(isFor("lead.nurture_touch", id), 15_000);

    const optOut = await crm.as("sales").patch<Lead>(`/leads/${id}`, { optedOut: true });
    expect(optOut.status).toBe(200);

    const done = await finishedExecutionOf(id);
    expect(done.status).toBe("SUCCEEDED");
    const output = JSON.parse(done.output ?? "{}") as {
      touched?: { outcome: string; reason?: string };
      evaluation?: { outcome: string; reason?: string };
      handOff?: unknown;
    };
    const stop = output.touched?.outcome === "stop" ? output.touched : output.evaluation;
    expect(stop).toEqual({ outcome: "stop", reason: "opted_out" });
    expect(output.handOff).toBeUndefined();
    expect(touchesOf(id).map((t) => t.step)).toEqual([1]);
    expect((await crm.as("sales").get<Lead>(`/leads/${id}`)).body.status).toBe("nurturing");
  });

  it("leaves alone leads from sources that are not nurtured, and leads that did not consent", async () => {
    const imported = await crm.as("sales").post<Lead>("/leads", {
      firstName: "Imported",
      email: uniqueEmail("imported"),
      source: "import",
    });
    expect(imported.status).toBe(201);
    const noConsent = await submitWebForm("Silent", false);
    for (const id of [imported.body.id, noConsent.id]) {
      await crm.bus.waitFor(isFor("lead.created", id));
    }
    await crm.bus.idle();
    expect(await executionsOf(imported.body.id)).toEqual([]);
    expect(await executionsOf(noConsent.id)).toEqual([]);
  });
});
