import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contact } from "#lib/contacts/schema";
import type { FeedEventsPage } from "#lib/event-feed/service";
import { parseBusEvent } from "#lib/events/bus-event";
import { ContactEvents } from "#lib/events/detail-types";
import type { HistoryItem } from "#lib/history/schema";
import { loadSigningKey, mintToken } from "#local/auth";
import type { LocalBusEvent } from "#local/event-bus";
import { type LocalRuntime, startLocalRuntime } from "#local/runtime";
import {
  type ApiClient,
  createApiClient,
  startTestRuntime,
  type TestRuntime,
} from "#test/support/local-runtime";

/**
 * A contact changed over HTTP reaches its history and the event feed through the local
 * runtime's stream publisher, bus and rules: exactly once, even when the bus delivers again.
 */
let crm: TestRuntime;
let sales: ApiClient;
let integration: ApiClient;
/** The runtime started again on the same data, by the restart test. */
let restarted: LocalRuntime | undefined;

beforeAll(async () => {
  crm = await startTestRuntime();
  sales = crm.as("sales", "seller-1");
  integration = crm.as("read-only", "integration-1");
});

afterAll(async () => {
  await restarted?.stop();
  await crm?.stop();
});

/** Asks again until `check` passes: the projections follow the change within seconds. */
const eventually = async <T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** Reads the whole feed from `after` on, page by page, and where to resume. */
const readFeedFrom = async (after?: string, client: ApiClient = integration) => {
  const events: FeedEventsPage["data"][number][] = [];
  let cursor = after;
  for (;;) {
    const page = await client.get<FeedEventsPage>("/events", {
      query: { limit: 100, ...(cursor ? { after: cursor } : {}) },
    });
    expect(page.status).toBe(200);
    events.push(...page.body.data);
    cursor = page.body.nextCursor;
    if (page.body.data.length < 100) return { events, cursor };
  }
};

const ofRecord = (id: string, type: string) => (event: LocalBusEvent) =>
  event["detail-type"] === type && parseBusEvent(event).detail.id === id;

describe("field history and event feed through the local runtime", () => {
  it("shows a contact's change once in its history and once in the feed", async () => {
    const start = await readFeedFrom();

    const created = await sales.post<Contact>("/contacts", { firstName: "Ada" });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const updated = await crm
      .as("support", "support-7")
      .patch<Contact>(`/contacts/${id}`, { lastName: "Lovelace", lifecycleStage: "customer" });
    expect(updated.status).toBe(200);

    // The bus delivers at least once: deliver the update a second time, as a retry would.
    const updateEvent = await crm.bus.waitFor(ofRecord(id, ContactEvents.Updated));
    await crm.bus.put([
      {
        Source: updateEvent.source,
        DetailType: updateEvent["detail-type"],
        Detail: JSON.stringify(updateEvent.detail),
      },
    ]);
    await crm.bus.idle();

    const history = await eventually(
      () => sales.get<{ data: HistoryItem[] }>(`/contacts/${id}/history`),
      (response) => response.body.data.length >= 2,
    );
    expect(history.status).toBe(200);
    expect(history.body.data).toMatchObject([
      {
        type: "contact.updated",
        actor: "support-7",
        version: 2,
        changes: [
          { field: "lastName", to: "Lovelace" },
          { field: "lifecycleStage", from: "lead", to: "customer" },
        ],
      },
      { type: "contact.created", actor: "seller-1", version: 1 },
    ]);
    expect(history.body.data).toHaveLength(2);

    // The feed serves events once they are older than its settle window (5 s).
    const feed = await eventually(
      () => readFeedFrom(start.cursor),
      ({ events }) => events.filter((e) => e.detail.id === id).length >= 2,
    );
    const ofContact = feed.events.filter((e) => e.detail.id === id);
    expect(ofContact.map((e) => e.type)).toEqual(["contact.created", "contact.updated"]);
    expect(ofContact[1]?.eventId).toBe(parseBusEvent(updateEvent).detail.eventId);

    // Caught up: reading on from the returned cursor gives nothing new for this contact.
    const after = await readFeedFrom(feed.cursor);
    expect(after.events.filter((e) => e.detail.id === id)).toEqual([]);
  });

  it("lets an integration catch up from its cursor after the runtime restarted", async () => {
    const { cursor } = await readFeedFrom();
    const created = await sales.post<Contact>("/contacts", { firstName: "Grace" });
    const id = created.body.id;
    await crm.bus.waitFor(ofRecord(id, ContactEvents.Created));
    await crm.bus.idle();

    // Stop everything but the database, and start again on the same table and data folder.
    const { runtime } = crm;
    await runtime.stop();
    restarted = await startLocalRuntime({
      port: 0,
      dataDir: runtime.dataDir,
      dynamoEndpoint: runtime.dynamoEndpoint,
      dynamoPort: 0,
      tableName: runtime.tableName,
      quiet: true,
    });
    const key = await loadSigningKey(runtime.dataDir);
    const token = mintToken(key, {
      roles: ["read-only"],
      userId: "integration-1",
      ttlSeconds: 600,
    });
    const client = createApiClient(restarted.url, () => token);

    const feed = await eventually(
      () => readFeedFrom(cursor, client),
      ({ events }) => events.some((e) => e.detail.id === id),
    );
    expect(feed.events.filter((e) => e.detail.id === id).map((e) => e.type)).toEqual([
      "contact.created",
    ]);
  });
});
