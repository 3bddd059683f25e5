import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { createCompany } from "#lib/companies/service";
import {
  associateCompany,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  updateContact,
} from "#lib/contacts/service";
import { documentClient, tableName } from "#lib/db/client";
import { DomainError } from "#lib/errors/domain-error";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

const alice: Principal = { userId: "alice", roles: ["sales"] };
const bob: Principal = { userId: "bob", roles: ["sales"] };

const contact = (over: Record<string, unknown> = {}) => ({
  emails: [],
  phones: [],
  lifecycleStage: "lead" as const,
  tags: [],
  customFields: {},
  ...over,
});

const itemsOf = async (pk: string) =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
      }),
    )
  ).Items ?? [];

beforeAll(async () => {
  await createTestTable();
});

describe("email uniqueness", () => {
  it("lets exactly one of many concurrent creates with the same email win", async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        createContact(contact({ firstName: `Racer ${i}`, emails: ["race@example.com"] }), alice),
      ),
    );
    const winners = attempts.filter((a) => a.status === "fulfilled");
    const losers = attempts.flatMap((a) => (a.status === "rejected" ? [a.reason] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(7);
    const winnerId = (winners[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    for (const loser of losers) {
      expect(loser).toBeInstanceOf(DomainError);
      expect(loser).toMatchObject({
        code: "contact.email_taken",
        extensions: { existingId: winnerId },
      });
    }
    const found = await listContacts({ email: "race@example.com" });
    expect(found.data.map((c) => c.id)).toEqual([winnerId]);
  });

  it("frees an email when a contact changes it, and refuses taking another contact's email", async () => {
    const first = await createContact(
      contact({ firstName: "First", emails: ["old@example.com"] }),
      alice,
    );
    const second = await createContact(
      contact({ firstName: "Second", emails: ["other@example.com"] }),
      alice,
    );
    await updateContact(first.id, { emails: ["new@example.com"] }, undefined, alice);
    const reused = await createContact(
      contact({ firstName: "Third", emails: ["old@example.com"] }),
      alice,
    );
    expect(reused.emails).toEqual(["old@example.com"]);
    const taken = await rejectionOf(
      updateContact(second.id, { emails: ["new@example.com"] }, undefined, alice),
    );
    expect(taken).toMatchObject({
      code: "contact.email_taken",
      extensions: { existingId: first.id },
    });
    expect((await getContact(second.id)).emails).toEqual(["other@example.com"]);
  });
});

describe("optimistic concurrency", () => {
  it("lets one of two writers with the same If-Match version win; the other gets 412 and writes nothing", async () => {
    const created = await createContact(contact({ firstName: "Locky" }), alice);
    const results = await Promise.allSettled([
      updateContact(created.id, { jobTitle: "CEO" }, 1, alice),
      updateContact(created.id, { jobTitle: "CTO" }, 1, bob),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      kind: "precondition_failed",
      code: "contact.version_mismatch",
    });
    const stored = await getContact(created.id);
    expect(stored.version).toBe(2);
    expect(stored.jobTitle).toBe(
      (ok[0] as PromiseFulfilledResult<{ jobTitle: string }>).value.jobTitle,
    );
  });

  it("keeps both changes when concurrent patches without If-Match touch different fields", async () => {
    const created = await createContact(contact({ firstName: "Merge" }), alice);
    await Promise.all([
      updateContact(created.id, { jobTitle: "Engineer" }, undefined, alice),
      updateContact(created.id, { ownerId: "carol" }, undefined, bob),
      updateContact(created.id, { lifecycleStage: "customer" }, undefined, bob),
    ]);
    const stored = await getContact(created.id);
    expect(stored).toMatchObject({
      jobTitle: "Engineer",
      ownerId: "carol",
      lifecycleStage: "customer",
      version: 4,
    });
  });

  it("refuses a delete with a stale version and keeps the record", async () => {
    const created = await createContact(contact({ firstName: "Stay" }), alice);
    await updateContact(created.id, { jobTitle: "x" }, undefined, alice);
    const error = await rejectionOf(deleteContact(created.id, 1, alice));
    expect(error.kind).toBe("precondition_failed");
    expect((await getContact(created.id)).version).toBe(2);
  });
});

describe("lists", () => {
  it("pages through more than one page in name order with no repeats, and ends with a null cursor", async () => {
    const names = ["Gamma", "alpha", "Épsilon", "beta", "Delta", "zeta", "Eta"];
    for (const firstName of names)
      await createContact(contact({ firstName, tags: ["paging"] }), alice);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listContacts({ tag: "paging", limit: 3, cursor });
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((c) => c.firstName ?? ""));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["alpha", "beta", "Delta", "Épsilon", "Eta", "Gamma", "zeta"]);
  });

  it("refuses a cursor from another list", async () => {
    for (const firstName of ["One", "Two"])
      await createContact(contact({ firstName, tags: ["cursor-a"] }), alice);
    const page = await listContacts({ tag: "cursor-a", limit: 1 });
    expect(page.nextCursor).not.toBeNull();
    const error = await rejectionOf(
      listContacts({ tag: "cursor-b", limit: 1, cursor: page.nextCursor ?? undefined }),
    );
    expect(error).toMatchObject({ kind: "invalid", code: "request.invalid_cursor" });
  });

  it("finds by owner, stage, tag, company and name prefix, and follows changes", async () => {
    const company = await createCompany({ name: "Filter Co", tags: [], customFields: {} }, alice);
    const ada = await createContact(
      contact({
        firstName: "Adaline",
        lastName: "Filter",
        ownerId: "filter-owner",
        tags: ["filter-tag"],
        lifecycleStage: "customer",
      }),
      alice,
    );
    await associateCompany(ada.id, company.id, "Buyer", undefined, alice);
    const ids = (page: { data: readonly { id: string }[] }) => page.data.map((c) => c.id);
    expect(ids(await listContacts({ ownerId: "filter-owner" }))).toEqual([ada.id]);
    expect(ids(await listContacts({ tag: "filter-tag" }))).toEqual([ada.id]);
    expect(ids(await listContacts({ companyId: company.id }))).toEqual([ada.id]);
    expect(ids(await listContacts({ q: "adaline f" }))).toEqual([ada.id]);
    expect(ids(await listContacts({ lifecycleStage: "customer" }))).toContain(ada.id);

    await updateContact(ada.id, { tags: ["moved-tag"], ownerId: null }, undefined, alice);
    expect(ids(await listContacts({ tag: "filter-tag" }))).toEqual([]);
    expect(ids(await listContacts({ ownerId: "filter-owner" }))).toEqual([]);
    const [viaCompany] = (await listContacts({ companyId: company.id })).data;
    expect(viaCompany).toMatchObject({
      id: ada.id,
      tags: ["moved-tag"],
      companies: [{ companyId: company.id, role: "Buyer" }],
    });
  });

  it("refuses combined filters", async () => {
    const error = await rejectionOf(listContacts({ tag: "a", ownerId: "b" }));
    expect(error.code).toBe("contact.filters_not_combinable");
  });
});

describe("delete", () => {
  it("removes the record and every facet, and frees its email", async () => {
    const created = await createContact(
      contact({ firstName: "Gone", emails: ["gone@example.com"], tags: ["t1", "t2"] }),
      alice,
    );
    expect(await itemsOf(`contact#${created.id}`)).toHaveLength(3);
    await deleteContact(created.id, created.version, alice);
    expect(await itemsOf(`contact#${created.id}`)).toHaveLength(0);
    expect(await itemsOf("contact#email#gone@example.com")).toHaveLength(0);
    expect((await rejectionOf(getContact(created.id))).kind).toBe("not_found");
  });
});
