import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activityId } from "#lib/activities/schema";
import { interactionActivityId } from "#lib/interactions/activity-id";

describe("interactionActivityId", () => {
  it("is the same for every delivery of one interaction", () => {
    const first = interactionActivityId("integration.mailbox", "email.received", "msg-1");
    expect(interactionActivityId("integration.mailbox", "email.received", "msg-1")).toBe(first);
  });

  it("is a valid activity id, shaped like a ULID", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (source, detailType, externalId) => {
        const id = interactionActivityId(source, detailType, externalId);
        expect(activityId.safeParse(id).success, id).toBe(true);
        // A ULID's first character encodes 3 bits only.
        expect(id.charAt(4)).toMatch(/[0-7]/);
      }),
    );
  });

  it("differs when the source, the detail-type or the external id differs", () => {
    const ids = new Set([
      interactionActivityId("integration.mailbox", "email.received", "msg-1"),
      interactionActivityId("integration.other", "email.received", "msg-1"),
      interactionActivityId("integration.mailbox", "email.sent", "msg-1"),
      interactionActivityId("integration.mailbox", "email.received", "msg-2"),
    ]);
    expect(ids.size).toBe(4);
  });

  it("cannot be made to collide by moving characters between the parts", () => {
    expect(interactionActivityId("a|b", "c", "d")).not.toBe(interactionActivityId("a", "b|c", "d"));
    expect(interactionActivityId("ab", "c", "d")).not.toBe(interactionActivityId("a", "bc", "d"));
  });
});
