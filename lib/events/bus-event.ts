import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import * as z from "zod/mini";
import { type BusEvent, type Envelope, EVENT_SOURCE, envelopeOf } from "#events/envelope";

/**
 * A domain event in both of its forms: the PutEvents entry the publisher sends, and the
 * EventBridge event a rule target receives. Consumers call `parseBusEvent` on what their handler
 * gets, so a malformed event fails at the door instead of deep in their logic.
 */
export interface DomainEvent<Data = unknown> {
  readonly detailType: string;
  readonly envelope: Envelope<Data>;
}

/** The PutEvents entry for one domain event on the stack's bus. */
export const toPutEventsEntry = (
  event: DomainEvent,
  eventBusName: string,
): PutEventsRequestEntry => ({
  Source: EVENT_SOURCE,
  DetailType: event.detailType,
  Detail: JSON.stringify(event.envelope),
  EventBusName: eventBusName,
  // EventBridge sets `time` to the put time unless told; the change's own time is what matters.
  Time: new Date(event.envelope.occurredAt),
});

const busEventSchema = z.object({
  id: z.string(),
  source: z.literal(EVENT_SOURCE),
  "detail-type": z.string(),
  time: z.string(),
  detail: envelopeOf(z.unknown()),
});

export class InvalidBusEvent extends Error {
  constructor(readonly issues: readonly z.core.$ZodIssue[]) {
    super(
      `Not a CRM domain event: ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
    this.name = "InvalidBusEvent";
  }
}

/**
 * Checks that an EventBridge event (as a rule target receives it) is a CRM domain event with a
 * valid envelope, and returns it typed. `data` stays `unknown`: validate it with the
 * catalogue's schema for the detail-type when a consumer reads fields from it.
 */
export const parseBusEvent = (event: unknown): BusEvent => {
  const parsed = busEventSchema.safeParse(event);
  if (!parsed.success) throw new InvalidBusEvent(parsed.error.issues);
  const { detail, ...rest } = parsed.data;
  return { ...rest, detail: { ...detail, data: detail.data ?? null } };
};

/**
 * Whether an event a function receives came from the bus: an EventBridge event has a
 * `detail-type`, an API Gateway event never has. For a function that serves both (it checks the
 * shape only; `parseBusEvent` validates the rest).
 */
export const isBusEvent = (event: unknown): boolean =>
  typeof event === "object" && event !== null && "detail-type" in event;

/** Whether a parsed bus event has one of these detail-types (for handlers bound to several). */
export const isDetailType = <T extends string>(
  event: BusEvent,
  ...detailTypes: readonly T[]
): event is BusEvent & { readonly "detail-type": T } =>
  (detailTypes as readonly string[]).includes(event["detail-type"]);
