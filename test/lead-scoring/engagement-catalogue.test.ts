import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogueArtifacts } from "#events/artifacts";
import { inboundExampleFileOf, inboundSchemaFileOf } from "#events/integration/artifacts";
import {
  ENGAGEMENT_DETAIL_TYPES,
  engagementCatalogue,
  engagementDetailSchemas,
  engagementEvent,
} from "#events/integration/engagement";
import { projectRoot } from "#infra/project-root";
import { matchesPattern } from "#lib/events/pattern-matcher";
import { rules } from "#lib/wiring/rules";

/**
 * The inbound engagement events as integrators read them (their drift from the zod schemas is
 * checked with every other catalogue file in test/events/catalogue.test.ts), and the rules that
 * bring them, and the CRM's lead and activity events, to lead scoring: and never its own
 * `lead.score_changed`.
 */
const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(projectRoot, file), "utf8"));
const exampleOf = (detailType: string) => readJson(inboundExampleFileOf(detailType));
const exampleCrmEvent = (detailType: string) => readJson(`events/examples/${detailType}.json`);

const matchingRules = (event: Record<string, unknown>) =>
  rules.filter((rule) => matchesPattern(rule.pattern, event)).map((rule) => rule.name);

describe("the inbound engagement catalogue", () => {
  it("defines each engagement detail-type once, with its generated files", () => {
    expect(engagementCatalogue.map((d) => d.detailType).sort()).toEqual(
      [...ENGAGEMENT_DETAIL_TYPES].sort(),
    );
    const paths = new Set(catalogueArtifacts().map((artifact) => artifact.path));
    for (const detailType of ENGAGEMENT_DETAIL_TYPES) {
      expect(paths.has(inboundSchemaFileOf(detailType)), detailType).toBe(true);
      expect(paths.has(inboundExampleFileOf(detailType)), detailType).toBe(true);
    }
  });

  it("has examples that are valid events of their detail-type", () => {
    for (const detailType of ENGAGEMENT_DETAIL_TYPES) {
      const parsed = engagementEvent.safeParse(exampleOf(detailType));
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(parsed.data?.["detail-type"]).toBe(detailType);
      expect(engagementDetailSchemas[detailType].safeParse(parsed.data?.detail).success).toBe(true);
    }
  });

  it("publishes strict JSON Schemas that name the required fields", () => {
    const schema = readJson(inboundSchemaFileOf("page.visited"));
    expect(schema).toMatchObject({ title: "page.visited", additionalProperties: false });
    expect((schema.required as string[]).sort()).toEqual(
      ["email", "externalId", "occurredAt", "url"].sort(),
    );
  });

  it("refuses what an integration may get wrong", () => {
    const example = exampleOf("email.clicked");
    const detail = example.detail as Record<string, unknown>;
    const variants = [
      { ...detail, url: "javascript:alert(1)" },
      { ...detail, url: "ftp://files.example/x" },
      { ...detail, email: "not an address" },
      { ...detail, occurredAt: "yesterday" },
      { ...detail, externalId: "" },
      { ...detail, clickedAt: "2026-11-24T08:03:40Z" },
    ];
    for (const variant of variants) {
      expect(engagementEvent.safeParse({ ...example, detail: variant }).success).toBe(false);
    }
    expect(engagementEvent.safeParse({ ...example, source: "marketing" }).success).toBe(false);
  });
});

describe("the lead scoring rules", () => {
  it("send every engagement example to lead scoring, and to nothing else", () => {
    for (const detailType of ENGAGEMENT_DETAIL_TYPES) {
      expect(matchingRules(exampleOf(detailType))).toEqual(["lead-scoring-engagement"]);
    }
  });

  it("send lead and activity events to lead scoring, but not score changes", () => {
    for (const detailType of [
      "lead.created",
      "lead.updated",
      "lead.deleted",
      "activity.created",
      "activity.updated",
      "activity.deleted",
    ]) {
      expect(matchingRules(exampleCrmEvent(detailType)), detailType).toContain("lead-scoring-crm");
    }
    for (const detailType of ["lead.score_changed", "lead.assigned", "contact.created"]) {
      expect(matchingRules(exampleCrmEvent(detailType)), detailType).not.toContain(
        "lead-scoring-crm",
      );
    }
    const click = exampleOf("email.clicked");
    expect(matchingRules({ ...click, source: "crm" })).not.toContain("lead-scoring-engagement");
    expect(rules.filter((r) => r.name.startsWith("lead-scoring")).map((r) => r.target)).toEqual([
      { function: "leadScoringEvents" },
      { function: "leadScoringEvents" },
    ]);
  });
});
