import { type IntegrationEvent, integrationEvent } from "#events/integration/catalogue";

/** One reason an inbound event is invalid: where, and what is wrong (never the value itself). */
export interface EventIssue {
  readonly path: string;
  readonly message: string;
}

/** What names an event in logs, read leniently so that even an invalid event can be traced. */
export interface EventLabel {
  readonly eventId: string | undefined;
  readonly source: string | undefined;
  readonly detailType: string | undefined;
}

export type ParsedInteractionEvent =
  | { readonly valid: true; readonly event: IntegrationEvent; readonly label: EventLabel }
  | { readonly valid: false; readonly issues: readonly EventIssue[]; readonly label: EventLabel };

const stringOrUndefined = (value: unknown) => (typeof value === "string" ? value : undefined);

const labelOf = (raw: unknown): EventLabel => {
  const fields = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    eventId: stringOrUndefined(fields.id),
    source: stringOrUndefined(fields.source),
    detailType: stringOrUndefined(fields["detail-type"]),
  };
};

/**
 * Checks an EventBridge event against the inbound catalogue (`events/integration/catalogue.ts`).
 * An invalid event stays invalid however often it is delivered, so the caller gets the issues
 * back instead of an exception to retry on.
 */
export const parseInteractionEvent = (raw: unknown): ParsedInteractionEvent => {
  const label = labelOf(raw);
  const parsed = integrationEvent.safeParse(raw);
  if (parsed.success) return { valid: true, event: parsed.data, label };
  return {
    valid: false,
    label,
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    })),
  };
};
