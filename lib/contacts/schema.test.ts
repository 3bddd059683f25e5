import { describe, expect, it } from "vitest";
import { createContactBody, listContactsQuery, updateContactBody } from "#lib/contacts/schema";

const issues = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; code: string }[] };
}) => (result.error?.issues ?? []).map((i) => `${i.path.join(".")}:${i.code}`);

describe("createContactBody", () => {
  it("normalizes emails and tags and fills defaults", () => {
    const result = createContactBody.safeParse({
      firstName: " Ada ",
      emails: [" Ada@Example.COM "],
      tags: ["VIP "],
    });
    expect(result.data).toEqual({
      firstName: "Ada",
      emails: ["ada@example.com"],
      phones: [],
      lifecycleStage: "lead",
      tags: ["vip"],
      customFields: {},
    });
  });

  it("rejects unknown fields, so server-set fields cannot be mass-assigned", () => {
    expect(
      issues(createContactBody.safeParse({ firstName: "a", version: 9, id: "con_x" })),
    ).toEqual([":unrecognized_keys"]);
  });

  it("rejects wrong types and bad formats field by field", () => {
    expect(
      issues(
        createContactBody.safeParse({
          firstName: 5,
          emails: ["not-an-email"],
          lifecycleStage: "king",
          tags: "vip",
        }),
      ),
    ).toEqual([
      "firstName:invalid_type",
      "emails.0:invalid_format",
      "lifecycleStage:invalid_value",
      "tags:invalid_type",
    ]);
  });

  it("needs a name or an email", () => {
    expect(issues(createContactBody.safeParse({ jobTitle: "CTO" }))).toEqual(["firstName:custom"]);
  });

  it("refuses duplicate emails and too many tags", () => {
    expect(issues(createContactBody.safeParse({ emails: ["a@b.co", "A@b.co"] }))).toEqual([
      "emails:custom",
    ]);
    const tags = Array.from({ length: 16 }, (_, i) => `t${i}`);
    expect(issues(createContactBody.safeParse({ firstName: "a", tags }))).toEqual(["tags:too_big"]);
  });
});

describe("updateContactBody", () => {
  it("accepts null to clear optional fields", () => {
    expect(updateContactBody.safeParse({ jobTitle: null, ownerId: null }).success).toBe(true);
  });

  it("refuses an empty patch and clearing a required list with null", () => {
    expect(updateContactBody.safeParse({}).success).toBe(false);
    expect(issues(updateContactBody.safeParse({ emails: null }))).toEqual(["emails:invalid_type"]);
  });
});

describe("listContactsQuery", () => {
  it("parses limit from the query string and bounds it", () => {
    expect(listContactsQuery.safeParse({ limit: "10" }).data).toEqual({ limit: 10 });
    expect(listContactsQuery.safeParse({ limit: "0" }).success).toBe(false);
    expect(listContactsQuery.safeParse({ limit: "101" }).success).toBe(false);
    expect(listContactsQuery.safeParse({ limit: "ten" }).success).toBe(false);
  });

  it("rejects unknown query parameters", () => {
    expect(issues(listContactsQuery.safeParse({ sort: "name" }))).toEqual([":unrecognized_keys"]);
  });
});
