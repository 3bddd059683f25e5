import type { Artifact } from "#events/artifacts";
import { integrationCatalogue } from "#events/integration/catalogue";
import { engagementCatalogue } from "#events/integration/engagement";
import { engagementExamples } from "#events/integration/engagement-samples";
import { integrationExamples } from "#events/integration/samples";
import { jsonSchemaOf } from "#events/json-schema";

/**
 * The generated files of the inbound catalogue, next to the outbound ones: the JSON Schema of
 * each detail-type's `detail` and an example event. `events/generate.ts` writes them with the
 * outbound files, and the same contract test holds them to the zod schemas.
 */
export const inboundSchemaFileOf = (detailType: string) =>
  `events/schemas/inbound/${detailType}.json`;
export const inboundExampleFileOf = (detailType: string) =>
  `events/examples/inbound/${detailType}.json`;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Interactions (`catalogue.ts`) and the engagement signals lead scoring takes (`engagement.ts`). */
const inboundExamples: Readonly<Record<string, unknown>> = {
  ...integrationExamples,
  ...engagementExamples,
};

export const inboundArtifacts = (): Artifact[] =>
  [...integrationCatalogue, ...engagementCatalogue].flatMap((definition) => {
    const example = inboundExamples[definition.detailType];
    if (!example) {
      throw new Error(`events/integration/samples.ts has no example for ${definition.detailType}`);
    }
    return [
      { path: inboundSchemaFileOf(definition.detailType), content: json(jsonSchemaOf(definition)) },
      { path: inboundExampleFileOf(definition.detailType), content: json(example) },
    ];
  });
