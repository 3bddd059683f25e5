import { type EventDefinition, eventCatalogue } from "#events/catalogue";
import type { BusEvent } from "#events/envelope";
import { EVENT_SOURCE } from "#events/envelope";
import { inboundArtifacts } from "#events/integration/artifacts";
import { exampleFileOf, jsonSchemaOf, schemaFileOf } from "#events/json-schema";
import { sampleStreamRecords } from "#events/samples";
import { domainEventOf } from "#lib/events/change-events";

/**
 * The files generated from the catalogue: a JSON Schema and an example event per detail-type.
 * `events/generate.ts` writes them; the contract test compares them with the committed ones.
 */
export interface Artifact {
  readonly path: string;
  readonly content: string;
}

/** The example as EventBridge delivers it to a rule target. */
export const exampleOf = (definition: EventDefinition): BusEvent => {
  const record = sampleStreamRecords[definition.detailType];
  const event = record ? domainEventOf(record) : null;
  if (!event || event.detailType !== definition.detailType) {
    throw new Error(`events/samples.ts has no stream record for ${definition.detailType}`);
  }
  return {
    id: "7b2c1d3e-0f4a-4b5c-9d6e-1a2b3c4d5e6f",
    source: EVENT_SOURCE,
    "detail-type": event.detailType,
    time: `${event.envelope.occurredAt.slice(0, 19)}Z`,
    detail: event.envelope,
  };
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The outbound catalogue's files, then the inbound one's (`events/integration/`). */
export const catalogueArtifacts = (): Artifact[] => [
  ...eventCatalogue.flatMap((definition) => [
    { path: schemaFileOf(definition.detailType), content: json(jsonSchemaOf(definition)) },
    { path: exampleFileOf(definition.detailType), content: json(exampleOf(definition)) },
  ]),
  ...inboundArtifacts(),
];
