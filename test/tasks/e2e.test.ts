import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contact } from "#lib/contacts/schema";
import { parseBusEvent } from "#lib/events/bus-event";
import { TaskEvents } from "#lib/events/detail-types";
import type { Task } from "#lib/tasks/schema";
import type { LocalBusEvent } from "#local/event-bus";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * Tasks over HTTP through the local runtime: the views, completion, bad input, and a reminder
 * that survives a restart of the runtime and fires exactly once. The local scheduler runs the
 * `task-reminder-sweep` schedule (rate(1 minute)) 60 times faster: every second.
 */
let crm: TestRuntime;
let sales: ApiClient;
let contactId: string;

beforeAll(async () => {
  crm = await startTestRuntime();
  sales = crm.as("sales", "seller-1");
  const contact = await sales.post<Contact>("/contacts", { firstName: "Ada" });
  expect(contact.status).toBe(201);
  contactId = contact.body.id;
});

afterAll(async () => {
  await crm?.stop();
});

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ofTask = (id: string, detailType: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && parseBusEvent(event).detail.id === id;

/** The events of the bus's archive, which outlives a runtime: every event since the first start. */
const archived = async (): Promise<LocalBusEvent[]> =>
  (await readFile(crm.runtime.bus.archiveFile, "utf8"))
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LocalBusEvent);

const newTask = async (body: Record<string, unknown>) => {
  const response = await sales.post<Task>("/tasks", { title: "Follow up", ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
};

describe("tasks over HTTP", () => {
  it("serves my open tasks, a contact's tasks, and completion with who and when", async () => {
    const due = await newTask({
      dueAt: inSeconds(3600),
      links: [{ entity: "contact", id: contactId }],
    });
    expect(due).toMatchObject({ status: "open", assigneeId: "seller-1", priority: "normal" });

    const mine = await sales.get<{ data: Task[] }>("/tasks", { query: { assigneeId: "me" } });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((t) => t.id)).toContain(due.id);
    const related = await sales.get<{ data: Task[] }>(`/contacts/${contactId}/tasks`);
    expect(related.body.data.map((t) => t.id)).toEqual([due.id]);

    const done = await crm
      .as("support", "helper-2")
      .post<Task>(`/tasks/${due.id}/complete`, undefined, { headers: { "if-match": '"1"' } });
    expect(done.status).toBe(200);
    expect(done.headers.get("etag")).toBe('"2"');
    expect(done.body).toMatchObject({ status: "done", completedBy: "helper-2", version: 2 });
    const event = parseBusEvent(await crm.bus.waitFor(ofTask(due.id, TaskEvents.Completed)));
    expect(event.detail).toMatchObject({
      actor: "helper-2",
      changes: { status: { from: "open", to: "done" } },
    });

    // Completing again is a no-op that returns the task as it is.
    const again = await sales.post<Task>(`/tasks/${due.id}/complete`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(done.body);
    expect((await sales.get(`/contacts/${contactId}/tasks`)).body).toEqual({
      data: [],
      nextCursor: null,
    });
  });

  it("answers bad input with a clear 4xx and changes nothing", async () => {
    const expectProblem = async (
      response: Promise<{ status: number; body: unknown }>,
      status: number,
      code: string,
    ) => {
      const answer = await response;
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(answer.body).toMatchObject({ status, code });
      return answer.body as Record<string, unknown>;
    };
    await expectProblem(
      sales.post("/tasks", { title: "x", priority: "critical" }),
      400,
      "request.validation_failed",
    );
    const past = await expectProblem(
      sales.post("/tasks", { title: "x", reminderAt: inSeconds(-60) }),
      400,
      "task.reminder_in_past",
    );
    expect(past.errors).toEqual([
      { path: "body.reminderAt", message: "The reminder time is in the past" },
    ]);
    const missing = await expectProblem(
      sales.post("/tasks", {
        title: "x",
        links: [{ entity: "company", id: "co_01JD7Q8A1B2C3D4E5F6G7H8J9K" }],
      }),
      422,
      "task.linked_records_missing",
    );
    expect(missing.missing).toEqual(["company:co_01JD7Q8A1B2C3D4E5F6G7H8J9K"]);
    await expectProblem(
      sales.get("/contacts/con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P/tasks"),
      404,
      "contact.not_found",
    );

    const task = await newTask({});
    const cancelled = await sales.patch<Task>(`/tasks/${task.id}`, { status: "cancelled" });
    expect(cancelled.status).toBe(200);
    const refused = await expectProblem(
      sales.post(`/tasks/${task.id}/complete`),
      409,
      "task.invalid_transition",
    );
    expect(refused).toMatchObject({ from: "cancelled", to: "done", allowed: ["open"] });
    await expectProblem(
      sales.patch(`/tasks/${task.id}`, { status: "done", title: "Sneaky" }),
      409,
      "task.invalid_transition",
    );
    await expectProblem(
      sales.patch(`/tasks/${task.id}`, { title: "Stale" }, { headers: { "if-match": '"1"' } }),
      412,
      "task.version_mismatch",
    );
    expect((await sales.get<Task>(`/tasks/${task.id}`)).body).toEqual(cancelled.body);
  });
});

describe("a reminder across a restart of the runtime", { timeout: 60_000 }, () => {
  it("fires exactly once, from the runtime that found it in the table", async () => {
    const task = await newTask({ reminderAt: inSeconds(4), dueAt: inSeconds(3600) });
    // The runtime stops before the reminder is due, and is down when it falls due.
    crm = await crm.restart();
    const restartedAt = Date.now();

    const fired = parseBusEvent(
      await crm.bus.waitFor(ofTask(task.id, TaskEvents.ReminderDue), 20_000),
    );
    expect(fired.detail).toMatchObject({
      actor: "system",
      version: 2,
      data: { id: task.id, reminderAt: task.reminderAt, status: "open" },
    });
    expect(Date.parse(String(fired.detail.occurredAt))).toBeGreaterThanOrEqual(restartedAt);

    // A few more sweeps run (one a second); none fires it again, on this bus or before the restart.
    await sleep(3_000);
    await crm.bus.idle();
    const reminders = (await archived()).filter(ofTask(task.id, TaskEvents.ReminderDue));
    expect(reminders).toHaveLength(1);
    const current = await crm.as("sales", "seller-1").get<Task>(`/tasks/${task.id}`);
    expect(current.body).toMatchObject({ version: 2, reminderFiredAt: fired.detail.occurredAt });
  });

  it("never fires the reminder of a task completed before it was due", async () => {
    const client = crm.as("sales", "seller-1");
    // Far enough ahead that a busy machine completes the task before it is due.
    const reminderAt = inSeconds(5);
    const created = await client.post<Task>("/tasks", { title: "Early bird", reminderAt });
    expect(created.status).toBe(201);
    expect((await client.post(`/tasks/${created.body.id}/complete`)).status).toBe(200);
    await crm.bus.waitFor(ofTask(created.body.id, TaskEvents.Completed));
    // Past the reminder time, plus two sweeps.
    await sleep(Math.max(Date.parse(reminderAt) - Date.now(), 0) + 2_000);
    await crm.bus.idle();
    expect((await archived()).filter(ofTask(created.body.id, TaskEvents.ReminderDue))).toEqual([]);
  });
});
