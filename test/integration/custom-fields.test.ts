import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { createCompany } from "#lib/companies/service";
import { createContact, getContact, updateContact } from "#lib/contacts/service";
import { loadDefinitions } from "#lib/custom-fields/definitions";
import {
  createCustomField,
  deleteCustomField,
  getCustomField,
  listCustomFields,
  updateCustomField,
} from "#lib/custom-fields/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

const admin: Principal = { userId: "root", roles: ["admin"] };
const contact = (customFields: Record<string, unknown> = {}) => ({
  firstName: "Field",
  emails: [],
  phones: [],
  lifecycleStage: "lead" as const,
  tags: [],
  customFields: customFields as Record<string, string>,
});

beforeAll(async () => {
  await createTestTable();
});

describe("custom field definitions", () => {
  it("creates, lists, changes and deletes definitions, refusing duplicate keys", async () => {
    await createCustomField(
      { entity: "company", key: "arr", label: "ARR", type: "number", required: false },
      admin,
    );
    const duplicate = await rejectionOf(
      createCustomField(
        { entity: "company", key: "arr", label: "Again", type: "text", required: false },
        admin,
      ),
    );
    expect(duplicate.code).toBe("custom_field.key_taken");
    const changed = await updateCustomField(
      "company",
      "arr",
      { label: "Annual revenue" },
      1,
      admin,
    );
    expect(changed).toMatchObject({ label: "Annual revenue", version: 2, type: "number" });
    expect(
      await rejectionOf(updateCustomField("company", "arr", { label: "x" }, 1, admin)),
    ).toMatchObject({
      kind: "precondition_failed",
    });
    expect(
      await rejectionOf(updateCustomField("company", "arr", { options: ["a"] }, undefined, admin)),
    ).toMatchObject({
      code: "custom_field.options_not_allowed",
    });
    expect((await listCustomFields("company")).map((d) => d.key)).toEqual(["arr"]);
    await deleteCustomField("company", "arr", 2, admin);
    expect(await rejectionOf(getCustomField("company", "arr"))).toMatchObject({
      kind: "not_found",
    });
    expect(await listCustomFields("company")).toEqual([]);
  });
});

describe("values checked against definitions", () => {
  it("accepts a value of a field defined after the definitions were cached", async () => {
    // Warm the per-instance cache, then define an optional field behind its back: the cached
    // definitions refuse the value as unknown, so the write must retry with fresh ones.
    await loadDefinitions("company");
    await createCustomField(
      { entity: "company", key: "tier", label: "Tier", type: "text", required: false },
      admin,
    );
    const made = await createCompany(
      { name: "Cached Ltd", tags: [], customFields: { tier: "gold" } },
      admin,
    );
    expect(made.customFields).toEqual({ tier: "gold" });
    expect(
      await rejectionOf(
        createCompany({ name: "Typo Ltd", tags: [], customFields: { teir: "gold" } }, admin),
      ),
    ).toMatchObject({ code: "company.invalid_custom_fields" });
    await deleteCustomField("company", "tier", 1, admin);
  });

  it("enforces a field defined after the definitions were cached, without a restart", async () => {
    // Warm the per-instance cache with no definitions...
    expect((await loadDefinitions("contact")).definitions.size).toBe(0);
    // ...then define a required field behind its back.
    await createCustomField(
      {
        entity: "contact",
        key: "region",
        label: "Region",
        type: "single_select",
        options: ["emea", "apac"],
        required: true,
      },
      admin,
    );
    const missing = await rejectionOf(createContact(contact(), admin));
    expect(missing).toMatchObject({ code: "contact.invalid_custom_fields" });
    expect(missing.fieldErrors).toEqual([
      { path: "body.customFields.region", message: "This field is required" },
    ]);

    const made = await createContact(contact({ region: "emea" }), admin);
    expect(made.customFields).toEqual({ region: "emea" });
    expect(
      await rejectionOf(
        updateContact(made.id, { customFields: { region: "mars" } }, undefined, admin),
      ),
    ).toMatchObject({
      code: "contact.invalid_custom_fields",
    });
    expect(
      await rejectionOf(
        updateContact(made.id, { customFields: { region: null } }, undefined, admin),
      ),
    ).toMatchObject({
      code: "contact.invalid_custom_fields",
    });
    expect((await getContact(made.id)).customFields).toEqual({ region: "emea" });
  });
});
