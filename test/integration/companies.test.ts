import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import {
  createCompany,
  deleteCompany,
  getCompany,
  listCompanies,
  listCompanyContacts,
  updateCompany,
} from "#lib/companies/service";
import {
  associateCompany,
  createContact,
  deleteContact,
  dissociateCompany,
  getContact,
} from "#lib/contacts/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

const alice: Principal = { userId: "alice", roles: ["admin"] };
const company = (over: Record<string, unknown> = {}) => ({
  name: "Acme",
  tags: [],
  customFields: {},
  ...over,
});
const contact = (firstName: string) => ({
  firstName,
  emails: [],
  phones: [],
  lifecycleStage: "lead" as const,
  tags: [],
  customFields: {},
});

beforeAll(async () => {
  await createTestTable();
});

describe("company domains", () => {
  it("allows one company per domain and names the holder on a duplicate", async () => {
    const first = await createCompany(company({ domain: "acme.test" }), alice);
    const duplicate = await rejectionOf(
      createCompany(company({ name: "Acme 2", domain: "acme.test" }), alice),
    );
    expect(duplicate).toMatchObject({
      kind: "conflict",
      code: "company.domain_taken",
      extensions: { existingId: first.id },
    });
    expect((await listCompanies({ domain: "acme.test" })).data.map((c) => c.id)).toEqual([
      first.id,
    ]);
  });

  it("moves the guard when the domain changes and frees it when cleared", async () => {
    const moving = await createCompany(company({ name: "Mover", domain: "before.test" }), alice);
    await updateCompany(moving.id, { domain: "after.test" }, undefined, alice);
    expect((await listCompanies({ domain: "before.test" })).data).toEqual([]);
    expect((await listCompanies({ domain: "after.test" })).data[0]?.id).toBe(moving.id);
    await updateCompany(moving.id, { domain: null }, undefined, alice);
    const reuse = await createCompany(company({ name: "Reuser", domain: "after.test" }), alice);
    expect(reuse.domain).toBe("after.test");
  });
});

describe("associations", () => {
  it("keeps a company with contacts from being deleted until the associations are gone", async () => {
    const acme = await createCompany(company({ name: "Assoc Inc" }), alice);
    const ada = await createContact(contact("Ada"), alice);
    const bob = await createContact(contact("Bob"), alice);
    await associateCompany(ada.id, acme.id, "Founder", undefined, alice);
    await associateCompany(bob.id, acme.id, "Engineer", undefined, alice);
    // Changing the role is not a second association.
    const changed = await associateCompany(bob.id, acme.id, "CTO", undefined, alice);
    expect(changed.companies).toEqual([{ companyId: acme.id, role: "CTO" }]);

    const members = await listCompanyContacts(acme.id, {});
    expect(members.data.map((c) => c.firstName)).toEqual(["Ada", "Bob"]);

    expect(await rejectionOf(deleteCompany(acme.id, undefined, alice))).toMatchObject({
      code: "company.has_contacts",
    });
    await dissociateCompany(ada.id, acme.id, undefined, alice);
    await deleteContact(bob.id, undefined, alice);
    await deleteCompany(acme.id, undefined, alice);
    expect((await rejectionOf(getCompany(acme.id))).kind).toBe("not_found");
  });

  it("refuses an association with a company that does not exist, and writes nothing", async () => {
    const ada = await createContact(contact("Lonely"), alice);
    const error = await rejectionOf(
      associateCompany(ada.id, "co_01J0000000000000000000000Z", "x", undefined, alice),
    );
    expect(error).toMatchObject({ kind: "not_found", code: "company.not_found" });
    expect(await getContact(ada.id)).toMatchObject({ companies: [], version: 1 });
  });

  it("answers 404 for the contacts of an unknown company", async () => {
    expect((await rejectionOf(listCompanyContacts("co_01J0000000000000000000000Z", {}))).kind).toBe(
      "not_found",
    );
  });

  it("refuses dissociating what is not associated", async () => {
    const acme = await createCompany(company({ name: "Not Assoc" }), alice);
    const ada = await createContact(contact("Nobody"), alice);
    expect(await rejectionOf(dissociateCompany(ada.id, acme.id, undefined, alice))).toMatchObject({
      code: "contact.company_not_associated",
    });
  });
});

describe("company lists", () => {
  it("lists by industry (case-insensitive), tag, owner and name prefix", async () => {
    const made = await createCompany(
      company({
        name: "Zylophone Works",
        industry: "Music Instruments",
        tags: ["zylo"],
        ownerId: "zowner",
      }),
      alice,
    );
    const ids = (page: { data: readonly { id: string }[] }) => page.data.map((c) => c.id);
    expect(ids(await listCompanies({ industry: "music instruments" }))).toEqual([made.id]);
    expect(ids(await listCompanies({ tag: "zylo" }))).toEqual([made.id]);
    expect(ids(await listCompanies({ ownerId: "zowner" }))).toEqual([made.id]);
    expect(ids(await listCompanies({ q: "zylo" }))).toEqual([made.id]);
  });
});
