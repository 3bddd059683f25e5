import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogueArtifacts } from "#events/artifacts";
import { inboundExampleFileOf, inboundSchemaFileOf } from "#events/integration/artifacts";
import {
  INTEGRATION_DETAIL_TYPES,
  integrationCatalogue,
  integrationDetailSchemas,
  integrationEvent,
} from "#events/integration/catalogue";
import { projectRoot } from "#infra/project-root";
import { matchesPattern } from "#lib/events/pattern-matcher";
import { rules } from "#lib/wiring/rules";

/**
 * The inbound catalogue as integrators read it: a JSON Schema and an example per detail-type
 * (their drift from the zod schemas is checked with the outbound ones in
 * test/events/catalogue.test.ts), examples that are valid, and the rule that routes exactly
 * these events to the ingest function.
 */
const exampleOf = (detailType: string): unknown =>
  JSON.parse(readFileSync(join(projectRoot, inboundExampleFileOf(detailType)), "utf8"));

const ingestRule = rules.find((rule) => rule.name === "interaction-ingest");

describe("the inbound event catalogue", () => {
  it("defines every inbound detail-type once, with its generated files", () => {
    expect(integrationCatalogue.map((d) => d.detailType).sort()).toEqual(
      [...INTEGRATION_DETAIL_TYPES].sort(),
    );
    const paths = new Set(catalogueArtifacts().map((artifact) => artifact.path));
    for (const detailType of INTEGRATION_DETAIL_TYPES) {
      expect(paths.has(inboundSchemaFileOf(detailType)), detailType).toBe(true);
      expect(paths.has(inboundExampleFileOf(detailType)), detailType).toBe(true);
    }
  });

  it("has examples that are valid events of their detail-type", () => {
    for (const detailType of INTEGRATION_DETAIL_TYPES) {
      const example = exampleOf(detailType);
      const parsed = integrationEvent.safeParse(example);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(parsed.data?.["detail-type"]).toBe(detailType);
      expect(integrationDetailSchemas[detailType].safeParse(parsed.data?.detail).success).toBe(
        true,
      );
    }
  });

  it("publishes strict JSON Schemas that name the required fields", () => {
    const schema = JSON.parse(
      readFileSync(join(projectRoot, inboundSchemaFileOf("call.logged")), "utf8"),
    );
    expect(schema).toMatchObject({
      $schema: "http://json-schema.org/draft-04/schema#",
      title: "call.logged",
      additionalProperties: false,
    });
    expect(schema.required.sort()).toEqual(
      ["direction", "durationSeconds", "externalId", "occurredAt", "outcome", "phoneNumber"].sort(),
    );
  });
});

describe("the interaction-ingest rule", () => {
  it("targets the ingest function", () => {
    expect(ingestRule?.target).toEqual({ function: "interactionIngest" });
  });

  it("matches every inbound example, and no other rule does", () => {
    for (const detailType of INTEGRATION_DETAIL_TYPES) {
      const example = exampleOf(detailType);
      expect(
        rules.filter((rule) => matchesPattern(rule.pattern, example)).map((r) => r.name),
      ).toEqual(["interaction-ingest"]);
    }
  });

  it("does not match the CRM's own events, nor other detail-types from integrations", () => {
    const example = exampleOf("email.received") as Record<string, unknown>;
    const pattern = ingestRule?.pattern ?? {};
    expect(matchesPattern(pattern, { ...example, source: "crm" })).toBe(false);
    expect(matchesPattern(pattern, { ...example, source: "partner.mailbox" })).toBe(false);
    expect(matchesPattern(pattern, { ...example, "detail-type": "email.bounced" })).toBe(false);
    expect(matchesPattern(pattern, { ...example, "detail-type": "contact.created" })).toBe(false);
    // The rule matches by prefix; the function refuses a source the catalogue does not allow.
    expect(matchesPattern(pattern, { ...example, source: "integration.Mailbox" })).toBe(true);
  });
});
