import { describe, expect, it } from "vitest";
import {
  firstMatchingRule,
  matchesTerritory,
  memberForTurn,
  type RoutedLead,
} from "#lib/lead-assignment/rules";
import type { AssignmentRule } from "#lib/lead-assignment/schema";

const lead: RoutedLead = {
  country: "DE",
  industry: "Software",
  source: "web_form",
  employees: 250,
};

describe("territory matching", () => {
  it("matches every lead when the territory has no condition", () => {
    expect(matchesTerritory({}, lead)).toBe(true);
    expect(matchesTerritory({}, { source: "import" })).toBe(true);
  });

  it("needs every condition (AND) and any value of one (OR)", () => {
    expect(matchesTerritory({ countries: ["FR", "DE"], sources: ["web_form"] }, lead)).toBe(true);
    expect(matchesTerritory({ countries: ["FR", "DE"], sources: ["import"] }, lead)).toBe(false);
    expect(matchesTerritory({ countries: ["FR"] }, lead)).toBe(false);
  });

  it("compares industries without regard to case, accents and spacing", () => {
    expect(matchesTerritory({ industries: ["  software "] }, lead)).toBe(true);
    expect(matchesTerritory({ industries: ["Finance"] }, lead)).toBe(false);
    expect(
      matchesTerritory({ industries: ["Café  Chains"] }, { ...lead, industry: "cafe chains" }),
    ).toBe(true);
  });

  it("matches head-count ranges inclusively, open at either end", () => {
    expect(matchesTerritory({ employees: { min: 250 } }, lead)).toBe(true);
    expect(matchesTerritory({ employees: { max: 250 } }, lead)).toBe(true);
    expect(matchesTerritory({ employees: { min: 251 } }, lead)).toBe(false);
    expect(matchesTerritory({ employees: { min: 1, max: 249 } }, lead)).toBe(false);
    expect(matchesTerritory({ employees: { min: 200, max: 500 } }, lead)).toBe(true);
  });

  it("does not match a condition on an attribute the lead lacks", () => {
    const bare: RoutedLead = { source: "web_form" };
    expect(matchesTerritory({ countries: ["DE"] }, bare)).toBe(false);
    expect(matchesTerritory({ industries: ["software"] }, bare)).toBe(false);
    expect(matchesTerritory({ employees: { max: 10_000 } }, bare)).toBe(false);
    expect(matchesTerritory({ sources: ["web_form"] }, bare)).toBe(true);
  });
});

describe("rule order", () => {
  const rules: AssignmentRule[] = [
    {
      name: "DACH enterprise",
      when: { countries: ["DE", "AT", "CH"], employees: { min: 1000 } },
      assignTo: { userId: "ent" },
    },
    { name: "DACH", when: { countries: ["DE", "AT", "CH"] }, assignTo: { teamId: "dach" } },
    { name: "Everyone else", when: {}, assignTo: { teamId: "pool" } },
  ];

  it("takes the first rule that matches", () => {
    expect(firstMatchingRule(rules, lead)?.name).toBe("DACH");
    expect(firstMatchingRule(rules, { ...lead, employees: 5000 })?.name).toBe("DACH enterprise");
    expect(firstMatchingRule(rules, { ...lead, country: "US" })?.name).toBe("Everyone else");
  });

  it("matches nothing without a catch-all", () => {
    expect(firstMatchingRule(rules.slice(0, 2), { ...lead, country: "US" })).toBeUndefined();
    expect(firstMatchingRule([], lead)).toBeUndefined();
  });
});

describe("round-robin turns", () => {
  it("gives each member one turn per round, in the listed order", () => {
    const members = ["ana", "ben", "cem"];
    expect([1, 2, 3, 4, 5, 6, 7].map((turn) => memberForTurn(members, turn))).toEqual([
      "ana",
      "ben",
      "cem",
      "ana",
      "ben",
      "cem",
      "ana",
    ]);
  });

  it("keeps rotating from the same counter when the team changes", () => {
    expect(memberForTurn(["ana", "ben"], 3)).toBe("ana");
    expect(memberForTurn(["ana", "ben", "cem", "dan"], 3)).toBe("cem");
    expect(memberForTurn(["solo"], 41)).toBe("solo");
  });

  it("refuses an empty team", () => {
    expect(() => memberForTurn([], 1)).toThrow(/at least one member/);
  });
});
