import { describe, expect, it } from "vitest";
import { filterProblem, matchesAny, matchesFilter } from "#lib/webhooks/event-types";

const known = ["contact.created", "contact.updated", "company.created", "webhook.disabled"];

describe("event type filters", () => {
  it.each([
    ["*", "contact.created", true],
    ["contact.created", "contact.created", true],
    ["contact.created", "contact.updated", false],
    ["company.*", "company.deleted", true],
    ["company.*", "contact.created", false],
    // An entity wildcard is the entity, not a prefix of another entity's name.
    ["contact.*", "contacts.created", false],
    ["custom_field.*", "custom_field.updated", true],
  ])("%s matches %s: %s", (filter, detailType, expected) => {
    expect(matchesFilter(filter, detailType)).toBe(expected);
  });

  it("matches when any filter of a subscription matches", () => {
    expect(matchesAny(["contact.created", "company.*"], "company.updated")).toBe(true);
    expect(matchesAny(["contact.created"], "company.updated")).toBe(false);
  });

  it.each(["*", "contact.created", "company.*", "webhook.disabled"])("accepts %s", (filter) => {
    expect(filterProblem(filter, known)).toBeUndefined();
  });

  it.each([
    ["contact.merged", /Unknown event type/],
    ["deal.*", /No events exist for the entity "deal"/],
    ["contact", /is not an event type/],
    ["*.created", /is not an event type/],
    ["Contact.Created", /is not an event type/],
    ["contact.**", /is not an event type/],
  ])("refuses %s", (filter, message) => {
    expect(filterProblem(filter, known)).toMatch(message);
  });

  it("knows the published event types by default", () => {
    expect(filterProblem("contact.created")).toBeUndefined();
    expect(filterProblem("webhook.disabled")).toBeUndefined();
  });
});
