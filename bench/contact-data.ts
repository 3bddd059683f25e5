import type { Contact } from "#lib/contacts/schema";
import { newId } from "#lib/records/ids";

/**
 * Contacts for the benchmarks: realistic in size and shape (an email, a phone, an owner, a
 * lifecycle stage, some tags), and spread so that every list has many pages at every size:
 * 10% carry the tag `vip`, and names cycle through a few first names so a
 * name prefix matches a steady share of the table.
 */
const FIRST_NAMES = [
  "Ada",
  "Alan",
  "Barbara",
  "Donald",
  "Edsger",
  "Frances",
  "Grace",
  "Hedy",
  "Ivan",
  "Joan",
  "Katherine",
  "Linus",
  "Margaret",
  "Maria",
  "Niklaus",
  "Radia",
  "Sophie",
  "Tim",
  "Vint",
  "Whitfield",
] as const;
const LAST_NAMES = [
  "Lovelace",
  "Turing",
  "Liskov",
  "Knuth",
  "Dijkstra",
  "Allen",
  "Hopper",
  "Lamarr",
  "Sutherland",
  "Clarke",
  "Johnson",
  "Torvalds",
  "Hamilton",
  "Klawe",
  "Wirth",
  "Perlman",
  "Wilson",
  "Berners-Lee",
  "Cerf",
  "Diffie",
] as const;
const STAGES = ["subscriber", "lead", "opportunity", "customer"] as const;

/** A name prefix that matches one first name in twenty: `?q=` returns full pages at any size. */
export const NAME_PREFIX = "mar";
export const LIST_TAG = "vip";
export const OWNER_COUNT = 10;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

/** A POST /contacts body; `run` keeps emails unique across runs sharing one table. */
export const contactBody = (i: number, run: string) => {
  const firstName = pick(FIRST_NAMES, i);
  const lastName = pick(LAST_NAMES, Math.floor(i / FIRST_NAMES.length));
  return {
    firstName,
    lastName,
    emails: [`${firstName}.${lastName}.${run}.${i}@example.com`.toLowerCase()],
    phones: [{ number: "+44 20 7946 0000", label: "work" as const }],
    jobTitle: "Engineer",
    ownerId: `owner-${i % OWNER_COUNT}`,
    lifecycleStage: pick(STAGES, i),
    // Every tag is a facet item more to load; only the one the lists read is worth its time.
    tags: i % 10 === 0 ? [LIST_TAG] : [],
  };
};

/** The contact the API would store for `contactBody(i, run)`: what bulk loads write. */
export const storedContact = (i: number, run: string, at = new Date()): Contact => {
  const stamp = at.toISOString();
  return {
    ...contactBody(i, run),
    id: newId("con"),
    customFields: {},
    companies: [],
    version: 1,
    createdAt: stamp,
    updatedAt: stamp,
    createdBy: "bench-loader",
    updatedBy: "bench-loader",
  };
};
