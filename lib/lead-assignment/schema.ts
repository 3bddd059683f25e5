import * as z from "zod/mini";
import { country, employeeRange, leadSource } from "#lib/leads/schema";
import { distinct, isoDateTime, userId } from "#lib/records/common-schema";

export const MAX_RULES = 100;
export const MAX_TEAMS = 50;
export const MAX_TEAM_MEMBERS = 100;
const MAX_VALUES = 50;

/** Team ids are short slugs chosen by the admin (`emea-sales`), used in rules and on leads. */
export const teamId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Use lower-case letters, digits and dashes"));

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

/** A team whose members take new leads in turn (round-robin). */
export const team = z.strictObject({
  id: teamId,
  name,
  members: distinct(userId, MAX_TEAM_MEMBERS),
});

/** Who a matching rule gives the lead to: one user, or the next member of a team. */
export const assignTarget = z.union([z.strictObject({ teamId }), z.strictObject({ userId })]);

/**
 * A territory: every condition given must hold (AND); within a condition, any listed value
 * matches (OR). A lead without the attribute a condition names does not match it. A rule with
 * no conditions matches every lead, which makes it the catch-all at the end of the list.
 * Industries compare without regard to case and spacing.
 */
export const territory = z.strictObject({
  countries: z.optional(distinct(country, MAX_VALUES)),
  industries: z.optional(
    distinct(z.string().check(z.trim(), z.minLength(1), z.maxLength(100)), MAX_VALUES),
  ),
  sources: z.optional(distinct(leadSource, MAX_VALUES)),
  /** Inclusive bounds on the company's head count. */
  employees: z.optional(employeeRange),
});

export const assignmentRule = z.strictObject({
  name,
  when: z._default(territory, {}),
  assignTo: assignTarget,
});

const uniqueBy = <T, C>(
  list: readonly T[],
  keyOf: (item: T) => string,
  ctx: z.core.$RefinementCtx<C>,
  path: (index: number) => (string | number)[],
  what: string,
) => {
  const seen = new Set<string>();
  list.forEach((item, index) => {
    const key = keyOf(item);
    if (seen.has(key)) {
      ctx.addIssue({ code: "custom", message: `${what} ${key} appears twice`, path: path(index) });
    }
    seen.add(key);
  });
};

/**
 * `PUT /lead-assignment`: the whole configuration at once. Rules are evaluated in order and the
 * first match wins; a lead that matches none keeps no owner. Every team a rule names must be
 * defined here.
 */
export const assignmentConfigBody = z
  .strictObject({
    rules: z.array(assignmentRule).check(z.maxLength(MAX_RULES)),
    teams: z.array(team).check(z.maxLength(MAX_TEAMS)),
  })
  .check(
    z.superRefine((config, ctx) => {
      uniqueBy(
        config.teams,
        (t) => t.id,
        ctx,
        (i) => ["teams", i, "id"],
        "Team",
      );
      uniqueBy(
        config.rules,
        (r) => r.name,
        ctx,
        (i) => ["rules", i, "name"],
        "Rule",
      );
      const teams = new Set(config.teams.map((t) => t.id));
      config.rules.forEach((rule, index) => {
        if ("teamId" in rule.assignTo && !teams.has(rule.assignTo.teamId)) {
          ctx.addIssue({
            code: "custom",
            message: `No team ${rule.assignTo.teamId} is defined`,
            path: ["rules", index, "assignTo", "teamId"],
          });
        }
      });
    }),
  );

export const assignmentConfigSchema = z.object({
  rules: z.array(assignmentRule),
  teams: z.array(team),
  /** 0 until the configuration is first saved; send it back in If-Match. */
  version: z.int().check(z.minimum(0)),
  updatedAt: z.optional(isoDateTime),
  updatedBy: z.optional(userId),
});

export type Team = z.infer<typeof team>;
export type AssignTarget = z.infer<typeof assignTarget>;
export type Territory = z.output<typeof territory>;
export type AssignmentRule = z.output<typeof assignmentRule>;
export type AssignmentConfigInput = z.output<typeof assignmentConfigBody>;
export type AssignmentConfig = z.infer<typeof assignmentConfigSchema>;
