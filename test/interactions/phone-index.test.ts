import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { normalizePhone } from "#lib/contacts/keys";
import type { CreateContact } from "#lib/contacts/schema";
import {
  createContact,
  deleteContact,
  findContactsByPhone,
  updateContact,
} from "#lib/contacts/service";
import { documentClient, tableName } from "#lib/db/client";
import { createTestTable } from "#test/support/dynamodb";

/** Contacts by phone number: the non-unique phone facet and its lookup, against DynamoDB Local. */
const alice: Principal = { userId: "alice", roles: ["sales"] };

const contact = (over: Partial<CreateContact>): CreateContact => ({
  emails: [],
  phones: [],
  lifecycleStage: "lead",
  tags: [],
  customFields: {},
  ...over,
});

const phoneFacetsOf = async (id: string) =>
  (
    (
      await documentClient.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :phone)",
          ExpressionAttributeValues: { ":pk": `contact#${id}`, ":phone": "phone#" },
        }),
      )
    ).Items ?? []
  ).map((item) => item.sk);

beforeAll(async () => {
  await createTestTable("phones");
});

describe("normalizePhone", () => {
  it("keeps the digits and a leading +", () => {
    expect(normalizePhone("+44 (20) 7946-0958")).toBe("+442079460958");
    expect(normalizePhone(" +1.415.555.0100 ")).toBe("+14155550100");
    expect(normalizePhone("020 7946 0958")).toBe("02079460958");
  });

  it("does not infer a country, and ignores a + that does not lead", () => {
    expect(normalizePhone("020 7946 0958")).not.toBe(normalizePhone("+44 20 7946 0958"));
    expect(normalizePhone("44+2079460958")).toBe("442079460958");
  });

  it("gives nothing for fewer than 4 digits", () => {
    expect(normalizePhone("+1 (23)")).toBeUndefined();
    expect(normalizePhone("----")).toBeUndefined();
    expect(normalizePhone("1234")).toBe("1234");
  });
});

describe("contacts by phone", () => {
  it("finds a contact by any way of writing its number, with one facet per distinct number", async () => {
    const ada = await createContact(
      contact({
        firstName: "Ada",
        phones: [
          { number: "+44 (20) 7946-0958", label: "work" },
          { number: "+442079460958", label: "mobile" },
          { number: "07700 900123", label: "mobile" },
        ],
      }),
      alice,
    );
    expect((await phoneFacetsOf(ada.id)).sort()).toEqual([
      "phone#+442079460958",
      "phone#07700900123",
    ]);
    for (const written of ["+44 20 7946 0958", "+442079460958", "(07700) 900-123"]) {
      expect(
        (await findContactsByPhone(written, 10)).map((c) => c.id),
        written,
      ).toEqual([ada.id]);
    }
    expect(await findContactsByPhone("020 7946 0958", 10)).toEqual([]);
    // The facet copy is the whole record, as the API returns it.
    const [found] = await findContactsByPhone("+44 20 7946 0958", 10);
    expect(found).toEqual(ada);
  });

  it("finds every contact that shares a number, by name, up to the limit", async () => {
    const shared = "+1 415 555 0100";
    const zoe = await createContact(
      contact({ firstName: "Zoe", phones: [{ number: shared, label: "work" }] }),
      alice,
    );
    const bea = await createContact(
      contact({ firstName: "Bea", phones: [{ number: shared, label: "work" }] }),
      alice,
    );
    expect((await findContactsByPhone(shared, 10)).map((c) => c.id)).toEqual([bea.id, zoe.id]);
    expect((await findContactsByPhone(shared, 1)).map((c) => c.id)).toEqual([bea.id]);
  });

  it("moves the facet when the number changes, and removes it with the contact", async () => {
    const carl = await createContact(
      contact({ firstName: "Carl", phones: [{ number: "+49 30 1234567", label: "work" }] }),
      alice,
    );
    const moved = await updateContact(
      carl.id,
      { phones: [{ number: "+49 30 7654321", label: "work" }] },
      carl.version,
      alice,
    );
    expect(await findContactsByPhone("+49 30 1234567", 10)).toEqual([]);
    expect((await findContactsByPhone("+49 30 7654321", 10)).map((c) => c.id)).toEqual([carl.id]);
    await deleteContact(carl.id, moved.version, alice);
    expect(await phoneFacetsOf(carl.id)).toEqual([]);
    expect(await findContactsByPhone("+49 30 7654321", 10)).toEqual([]);
  });

  it("indexes no number without 4 digits, and finds nothing for one", async () => {
    const dee = await createContact(
      contact({ firstName: "Dee", phones: [{ number: "(12)", label: "other" }] }),
      alice,
    );
    expect(await phoneFacetsOf(dee.id)).toEqual([]);
    expect(await findContactsByPhone("(12)", 10)).toEqual([]);
  });
});
