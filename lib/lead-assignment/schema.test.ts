import { describe, expect, it } from "vitest";
import { assignmentConfigBody } from "#lib/lead-assignment/schema";

const problems = (value: unknown) =>
  (assignmentConfigBody.safeParse(value).error?.issues ?? []).map(
    (issue) => `${issue.path.join(".")}: ${issue.message}`,
  );

const valid = {
  teams: [{ id: "emea-sales", name: "EMEA sales", members: ["ana", "ben"] }],
  rules: [
    {
      name: "EMEA software",
      when: { countries: ["de", "FR"], industries: ["Software"], employees: { min: 50 } },
      assignTo: { teamId: "emea-sales" },
    },
    { name: "Everyone else", assignTo: { userId: "manager-1" } },
  ],
};

describe("the assignment configuration", () => {
  it("accepts rules and teams, normalizing countries and defaulting empty territories", () => {
    const parsed = assignmentConfigBody.parse(valid);
    expect(parsed.rules[0]?.when.countries).toEqual(["DE", "FR"]);
    expect(parsed.rules[1]?.when).toEqual({});
  });

  it("refuses a rule that names an undefined team", () => {
    expect(problems({ ...valid, rules: [{ name: "x", assignTo: { teamId: "nobody" } }] })).toEqual([
      "rules.0.assignTo.teamId: No team nobody is defined",
    ]);
  });

  it("refuses duplicate team ids, rule names and members", () => {
    expect(
      problems({
        teams: [
          { id: "a", name: "A", members: ["u1", "u1"] },
          { id: "a", name: "A again", members: ["u2"] },
        ],
        rules: [
          { name: "same", assignTo: { userId: "u1" } },
          { name: "same", assignTo: { userId: "u2" } },
        ],
      }),
    ).toEqual([
      "teams.0.members: Values must be unique",
      "teams.1.id: Team a appears twice",
      "rules.1.name: Rule same appears twice",
    ]);
  });

  it("refuses empty teams, inverted ranges, unknown sources and unknown fields", () => {
    expect(
      problems({
        teams: [{ id: "empty", name: "Empty", members: [] }],
        rules: [
          {
            name: "bad",
            when: { employees: { min: 500, max: 10 }, sources: ["fax"], region: "EU" },
            assignTo: { teamId: "empty", userId: "u1" },
          },
        ],
      }).length,
    ).toBeGreaterThanOrEqual(4);
    expect(assignmentConfigBody.safeParse({ ...valid, version: 3 }).error?.issues).toMatchObject([
      { code: "unrecognized_keys", keys: ["version"] },
    ]);
  });
});
