/**
 * Attributes the table layer adds to items; they never reach the API, the events or webhooks.
 * Kept apart from `record-store.ts` so that the stream publisher can strip them without loading
 * the DynamoDB client (about 130 ms of cold start it does not otherwise need).
 */
export const INTERNAL_ATTRIBUTES: readonly string[] = [
  "pk",
  "sk",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  "gsi3pk",
  "gsi3sk",
  "entityType",
  "facetName",
  "ttl",
  // The verb the stream publisher uses for this write instead of created/updated
  // (`webhook.disabled`, `deal.stage_changed`): it describes the write, not the record.
  "changeVerb",
];

export const toRecord = <R>(item: Record<string, unknown>): R => {
  const record: Record<string, unknown> = { ...item };
  for (const attribute of INTERNAL_ATTRIBUTES) delete record[attribute];
  return record as R;
};
