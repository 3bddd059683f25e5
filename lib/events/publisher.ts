import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { DynamoDBBatchResponse, DynamoDBRecord } from "aws-lambda";
import { type DomainEvent, toPutEventsEntry } from "#lib/events/bus-event";
import { domainEventOf } from "#lib/events/change-events";
import { logger } from "#lib/observability/logger";

/**
 * Publishes the domain events of one DynamoDB stream batch to the bus, and says which stream
 * records must be delivered again.
 *
 * PutEvents takes at most 10 entries and 256 KB per call, and can accept some entries of a call
 * while refusing others (throttling, an internal error). Refused entries, and whole calls that
 * fail, are retried a bounded number of times with exponential backoff and full jitter. Whatever
 * still failed is reported as a `batchItemFailures` entry (Lambda's partial batch response): the
 * event source retries from the earliest failed record, and after its own bounded retries sends
 * the batch to the on-failure queue. Nothing is dropped silently; events of records after a
 * failed one may be put twice, which consumers absorb by deduplicating on `eventId`.
 */

export const MAX_ENTRIES_PER_CALL = 10;
/** EventBridge's limit on a PutEvents call, with room for the request's own framing. */
export const MAX_BYTES_PER_CALL = 256 * 1024 - 1024;

export interface PublisherOptions {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
  /** PutEvents attempts per entry, the first included. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Injected in tests so that retries need no real waiting or luck. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

interface Pending {
  readonly sequenceNumber: string;
  readonly event: DomainEvent;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
}

/** EventBridge's way of sizing an entry: the UTF-8 bytes of its strings, plus 14 for a Time. */
export const entrySize = (entry: PutEventsRequestEntry): number =>
  (entry.Time ? 14 : 0) +
  [entry.Source, entry.DetailType, entry.Detail, entry.EventBusName, ...(entry.Resources ?? [])]
    .filter((part): part is string => part !== undefined)
    .reduce((sum, part) => sum + Buffer.byteLength(part, "utf8"), 0);

/** Groups entries into calls within EventBridge's count and size limits, in order. */
export const chunksOf = (pending: readonly Pending[]): Pending[][] => {
  const chunks: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of pending) {
    if (current.length === MAX_ENTRIES_PER_CALL || bytes + item.size > MAX_BYTES_PER_CALL) {
      if (current.length > 0) chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Puts one call's entries; returns those refused, with why. */
const putChunk = async (
  client: EventBridgeClient,
  chunk: readonly Pending[],
): Promise<{ failed: Pending[]; reasons: string[] }> => {
  try {
    const result = await client.send(
      new PutEventsCommand({ Entries: chunk.map((item) => item.entry) }),
    );
    if (!result.FailedEntryCount) return { failed: [], reasons: [] };
    const failed: Pending[] = [];
    const reasons: string[] = [];
    chunk.forEach((item, index) => {
      const answer = result.Entries?.[index];
      // An entry without an EventId was not accepted, whether or not it says why.
      if (answer?.EventId && !answer.ErrorCode) return;
      failed.push(item);
      reasons.push(`${answer?.ErrorCode ?? "NoEventId"}: ${answer?.ErrorMessage ?? ""}`);
    });
    return { failed, reasons };
  } catch (error) {
    return {
      failed: [...chunk],
      reasons: [error instanceof Error ? error.message : String(error)],
    };
  }
};

export const publishStreamRecords = async (
  records: readonly DynamoDBRecord[],
  options: PublisherOptions,
): Promise<DynamoDBBatchResponse> => {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 2_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  const unpublishable: string[] = [];
  let pending: Pending[] = [];
  for (const record of records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? "";
    let event: DomainEvent | null;
    try {
      event = domainEventOf(record);
    } catch (error) {
      // A record we cannot read is a bug, not a reason to lose it: it goes back to the source,
      // and from there to the on-failure queue.
      logger.error("Cannot map a stream record to an event", { sequenceNumber, error });
      unpublishable.push(sequenceNumber);
      continue;
    }
    if (!event) continue;
    const entry = toPutEventsEntry(event, options.eventBusName);
    const size = entrySize(entry);
    if (size > MAX_BYTES_PER_CALL) {
      logger.error("Event too large for EventBridge", {
        sequenceNumber,
        eventId: event.envelope.eventId,
        detailType: event.detailType,
        size,
      });
      unpublishable.push(sequenceNumber);
      continue;
    }
    pending.push({ sequenceNumber, event, entry, size });
  }

  for (let attempt = 1; pending.length > 0; attempt++) {
    const failed: Pending[] = [];
    for (const chunk of chunksOf(pending)) {
      const outcome = await putChunk(options.client, chunk);
      if (outcome.failed.length > 0) {
        logger.warn("PutEvents refused entries", {
          attempt,
          refused: outcome.failed.length,
          reasons: outcome.reasons,
        });
      }
      failed.push(...outcome.failed);
    }
    pending = failed;
    if (pending.length === 0 || attempt >= maxAttempts) break;
    // Full jitter: concurrent publishers that were throttled together do not retry together.
    await sleep(Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))));
  }

  for (const item of pending) {
    logger.error("Event not published; the stream record will be retried", {
      sequenceNumber: item.sequenceNumber,
      eventId: item.event.envelope.eventId,
      detailType: item.event.detailType,
    });
  }
  const failedSequenceNumbers = new Set([
    ...unpublishable,
    ...pending.map((item) => item.sequenceNumber),
  ]);
  return {
    batchItemFailures: records
      .map((record) => record.dynamodb?.SequenceNumber ?? "")
      .filter((sequenceNumber) => failedSequenceNumbers.has(sequenceNumber))
      .map((itemIdentifier) => ({ itemIdentifier })),
  };
};
