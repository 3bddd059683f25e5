import type { FitCondition } from "#lib/lead-scoring/schema";
import { type Lead, withinEmployees } from "#lib/leads/schema";
import { normalizeName } from "#lib/records/sort-key";

/** The lead attributes fit rules look at; a change to any of them re-scores the lead. */
export const FIT_ATTRIBUTES = ["title", "industry", "employees", "source", "country"] as const;
export type FitAttributes = Pick<Lead, (typeof FIT_ATTRIBUTES)[number]>;

/** Lower case, accents removed, split on anything that is not a letter or a digit. */
const words = (text: string): string[] =>
  normalizeName(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Whether `part`'s words appear in `whole`'s, next to each other and in order. */
const containsWords = (whole: readonly string[], part: readonly string[]): boolean => {
  if (part.length === 0) return false;
  for (let start = 0; start + part.length <= whole.length; start++) {
    if (part.every((word, offset) => whole[start + offset] === word)) return true;
  }
  return false;
};

/** Whether a lead's attributes meet a fit condition; see `fitCondition` in `schema.ts`. */
export const matchesFit = (when: FitCondition, lead: FitAttributes): boolean => {
  switch (when.attribute) {
    case "title": {
      if (lead.title === undefined) return false;
      const title = words(lead.title);
      return when.values.some((value) =>
        when.match === "contains"
          ? containsWords(title, words(value))
          : words(value).join(" ") === title.join(" "),
      );
    }
    case "industry": {
      if (lead.industry === undefined) return false;
      const industry = normalizeName(lead.industry);
      return when.values.some((value) => normalizeName(value) === industry);
    }
    case "employees":
      return withinEmployees(when, lead.employees);
    case "source":
      return when.values.includes(lead.source);
    case "country":
      return lead.country !== undefined && when.values.includes(lead.country);
  }
};

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(", ");

/** The condition in words, for the explanation and the lead's score breakdown. */
export const describeFit = (when: FitCondition): string => {
  switch (when.attribute) {
    case "title":
      return `title ${when.match} ${quoted(when.values)}`;
    case "industry":
      return `industry is ${quoted(when.values)}`;
    case "employees":
      return when.min !== undefined && when.max !== undefined
        ? `employees ${when.min}-${when.max}`
        : when.min !== undefined
          ? `employees ${when.min} or more`
          : `employees up to ${when.max}`;
    case "source":
      return `source is ${when.values.join(", ")}`;
    case "country":
      return `country is ${when.values.join(", ")}`;
  }
};
