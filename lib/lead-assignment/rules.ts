import type { AssignmentRule, Territory } from "#lib/lead-assignment/schema";
import { type Lead, withinEmployees } from "#lib/leads/schema";
import { normalizeName } from "#lib/records/sort-key";

/** The lead attributes territories look at. */
export type RoutedLead = Pick<Lead, "country" | "industry" | "source" | "employees">;

const inList = <T>(values: readonly T[] | undefined, value: T | undefined) =>
  values === undefined || (value !== undefined && values.includes(value));

/** Whether a lead lies in a territory; see `territory` in `schema.ts` for the semantics. */
export const matchesTerritory = (when: Territory, lead: RoutedLead): boolean => {
  const industry = lead.industry === undefined ? undefined : normalizeName(lead.industry);
  return (
    inList(when.countries, lead.country) &&
    inList(when.industries?.map(normalizeName), industry) &&
    inList(when.sources, lead.source) &&
    (when.employees === undefined || withinEmployees(when.employees, lead.employees))
  );
};

/** The first rule, in order, whose territory holds the lead; undefined when none does. */
export const firstMatchingRule = (
  rules: readonly AssignmentRule[],
  lead: RoutedLead,
): AssignmentRule | undefined => rules.find((rule) => matchesTerritory(rule.when, lead));

/**
 * The member whose turn `turn` is (the team cursor's value after its increment: 1, 2, 3, …).
 * Turns cycle through the members in their listed order; when the list changes, the rotation
 * carries on from the same counter.
 */
export const memberForTurn = (members: readonly string[], turn: number): string => {
  if (members.length === 0) throw new Error("A team has at least one member");
  const index = (((turn - 1) % members.length) + members.length) % members.length;
  return members[index] as string;
};
