import { describe, expect, it } from "vitest";
import { foreignFields, patchActivity } from "#lib/activities/patch";
import type { Activity } from "#lib/activities/schema";
import { DomainError } from "#lib/errors/domain-error";
import { addedLinks } from "#lib/linked-records/registry";

const meta = {
  version: 3,
  createdAt: "2026-11-23T10:00:00.000Z",
  updatedAt: "2026-11-23T10:00:00.000Z",
  createdBy: "alice",
  updatedBy: "alice",
};

const call: Activity = {
  id: "act_01JD7QG8H9J0K1M2N3P4Q5R6S7",
  type: "call",
  occurredAt: "2026-11-23T09:00:00.000Z",
  ownerId: "alice",
  links: [{ entity: "contact", id: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P" }],
  direction: "outbound",
  durationSeconds: 60,
  outcome: "connected",
  ...meta,
};

const meeting: Activity = {
  id: "act_01JD7QG8H9J0K1M2N3P4Q5R6S8",
  type: "meeting",
  occurredAt: "2026-11-23T09:00:00.000Z",
  links: [{ entity: "company", id: "co_01JD7Q8A1B2C3D4E5F6G7H8J9K" }],
  startsAt: "2026-11-23T09:00:00.000Z",
  endsAt: "2026-11-23T10:00:00.000Z",
  attendees: [],
  ...meta,
};

const errorOf = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
};

describe("foreignFields", () => {
  it("names the fields of another type, null ones included, and passes common ones", () => {
    expect(
      foreignFields("call", { outcome: "busy", subject: null, network: "x", title: "Follow-up" }),
    ).toEqual([
      { path: "body.subject", message: "An activity of type call has no subject" },
      { path: "body.network", message: "An activity of type call has no network" },
    ]);
  });

  it("refuses every type-specific field on a note, which has none", () => {
    expect(
      foreignFields("note", { direction: "inbound", body: "text" }).map((e) => e.path),
    ).toEqual(["body.direction"]);
  });
});

describe("patchActivity", () => {
  it("applies a patch of the stored type's fields and normalizes the time", () => {
    const after = patchActivity(call, {
      outcome: "left_voicemail",
      phone: "+44 20 7946 0000",
      occurredAt: "2026-11-23T08:30:00Z",
    });
    expect(after).toMatchObject({
      outcome: "left_voicemail",
      phone: "+44 20 7946 0000",
      occurredAt: "2026-11-23T08:30:00.000Z",
      type: "call",
      version: 3,
    });
  });

  it("clears an optional field with null", () => {
    const after = patchActivity({ ...call, title: "Old" }, { title: null });
    expect(after).not.toHaveProperty("title");
  });

  it("refuses a field of another type with a 400 naming it", () => {
    const error = errorOf(() => patchActivity(call, { subject: "Hello", outcome: "busy" }));
    expect(error).toMatchObject({
      kind: "invalid",
      code: "activity.fields_of_another_type",
      fieldErrors: [{ path: "body.subject" }],
    });
  });

  it("refuses a change that leaves the activity invalid as a whole", () => {
    const error = errorOf(() => patchActivity(meeting, { endsAt: "2026-11-23T08:00:00.000Z" }));
    expect(error).toMatchObject({
      kind: "invalid",
      code: "activity.invalid_after_patch",
      fieldErrors: [{ path: "body.endsAt", message: "A meeting ends after it starts" }],
    });
  });
});

describe("addedLinks", () => {
  it("lists only the links the change adds", () => {
    const contact = { entity: "contact" as const, id: "con_1" };
    const company = { entity: "company" as const, id: "co_1" };
    expect(addedLinks([contact], [contact, company])).toEqual([company]);
    expect(addedLinks([contact, company], [company])).toEqual([]);
  });
});
