import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogueArtifacts } from "#events/artifacts";
import { eventCatalogue } from "#events/catalogue";
import { projectRoot } from "#infra/project-root";
import { parseBusEvent } from "#lib/events/bus-event";
import { publishedDetailTypes } from "#lib/events/published-entities";

/**
 * The contract for integrators: the committed JSON Schemas and examples are exactly what the
 * zod schemas generate (regenerate with `npx tsx events/generate.ts`), every example is valid,
 * and the catalogue covers every detail-type the publisher can emit, and no other.
 */
describe("the event catalogue", () => {
  it("has one schema per detail-type the published entities can produce, and no other", () => {
    expect(eventCatalogue.map((d) => d.detailType).sort()).toEqual(publishedDetailTypes().sort());
  });

  it("has committed JSON Schemas and examples that match the zod schemas (no drift)", () => {
    for (const artifact of catalogueArtifacts()) {
      const file = join(projectRoot, artifact.path);
      expect(existsSync(file), `${artifact.path} is missing: run npx tsx events/generate.ts`).toBe(
        true,
      );
      expect(
        readFileSync(file, "utf8"),
        `${artifact.path} is stale: run npx tsx events/generate.ts`,
      ).toBe(artifact.content);
    }
    const expected = new Set(catalogueArtifacts().map((a) => a.path));
    for (const folder of ["events/schemas", "events/examples"]) {
      // Recursive: the inbound catalogue's files are in `inbound/` under each folder.
      for (const entry of readdirSync(join(projectRoot, folder), {
        recursive: true,
        withFileTypes: true,
      })) {
        if (!entry.isFile()) continue;
        const file = relative(projectRoot, join(entry.parentPath, entry.name));
        expect(expected.has(file), `${file} has no detail-type`).toBe(true);
      }
    }
  });

  it("has examples that are valid bus events and valid against their schema", () => {
    for (const definition of eventCatalogue) {
      const example: unknown = JSON.parse(
        readFileSync(join(projectRoot, `events/examples/${definition.detailType}.json`), "utf8"),
      );
      const event = parseBusEvent(example);
      expect(event["detail-type"]).toBe(definition.detailType);
      const result = definition.schema.safeParse(event.detail);
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    }
  });
});
