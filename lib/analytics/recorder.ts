import type { BusEvent, Envelope } from "#events/envelope";
import { eventCounters, type RecordCounter, recordCounters } from "#lib/analytics/counters";
import {
  type CounterIncrement,
  difference,
  expand,
  type Increment,
} from "#lib/analytics/increments";
import {
  type CountingOutcome,
  markTouched,
  readRecordState,
  type StateChange,
  writeCounting,
} from "#lib/analytics/store";

/**
 * The incremental counters: one domain event in, its increments added to the daily counters (and
 * gauges), exactly once per event id. See `counters.ts` for what is counted.
 */

/** Contention on a hot counter (one day's total) is retried here before EventBridge retries. */
const ATTEMPTS = 8;
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** Math.min(attempt, 5)));

/**
 * The order of a record's events: its version, and a deletion (which carries the version the
 * record was deleted at) after the write of that version.
 */
export const sequenceOf = (envelope: Envelope): number =>
  envelope.version * 2 + (envelope.data === null ? 1 : 0);

export type RecordingOutcome =
  /** The event moved counters (or, for a record, its state advanced without moving any). */
  | "counted"
  /** Counted before: a redelivery. */
  | "duplicate"
  /** An older event of a record whose later state is already counted: nothing to do. */
  | "stale"
  /** Nothing analytics counts. */
  | "ignored";

export interface Recording {
  readonly outcome: RecordingOutcome;
  /** Counter and gauge items moved. */
  readonly increments: number;
}

interface Plan {
  readonly increments: Increment[];
  readonly state: StateChange | undefined;
}

const counterOf = (envelope: Envelope, detailType: string): RecordCounter | undefined =>
  recordCounters.find((c) => c.entity === envelope.entity && c.detailTypes.includes(detailType));

/** What to write for the event now, given the record's stored state (read here); `stale` if none. */
const plan = async (
  envelope: Envelope,
  eventIncrements: readonly Increment[],
  counter: RecordCounter | undefined,
): Promise<Plan | "stale" | "duplicate"> => {
  if (!counter) return { increments: difference(eventIncrements), state: undefined };
  const stored = await readRecordState(envelope.entity, envelope.id);
  const seq = sequenceOf(envelope);
  if (stored && stored.seq >= seq && eventIncrements.length === 0) {
    // One version of a record is one event: the same seq is this very event, delivered again.
    return stored.seq === seq ? "duplicate" : "stale";
  }
  if (stored && stored.seq >= seq) {
    return { increments: difference(eventIncrements), state: undefined };
  }
  const next = envelope.data === null ? [] : counter.factsOf(envelope.data).flatMap(expand);
  return {
    increments: difference([...eventIncrements, ...next], stored?.increments ?? []),
    state: {
      entity: envelope.entity,
      id: envelope.id,
      seq,
      fromSeq: stored?.seq,
      increments: next,
      deleted: envelope.data === null,
    },
  };
};

/**
 * Counts one domain event. Facts are computed before anything is written, so a malformed event
 * throws (and EventBridge retries it, then dead-letters it) without counting half of it.
 */
export const recordAnalytics = async (event: BusEvent, now = new Date()): Promise<Recording> => {
  const envelope = event.detail;
  const detailType = event["detail-type"];
  const eventIncrements = eventCounters
    .filter((c) => c.detailType === detailType)
    .flatMap((c) => c.factsOf(envelope))
    .flatMap(expand);
  const counter = counterOf(envelope, detailType);
  if (eventIncrements.length === 0 && !counter) return { outcome: "ignored", increments: 0 };

  for (let attempt = 1; ; attempt++) {
    const planned = await plan(envelope, eventIncrements, counter);
    if (planned === "stale" || planned === "duplicate") return { outcome: planned, increments: 0 };
    await markTouched(
      planned.increments
        .filter((i): i is CounterIncrement => i.kind === "counter")
        .map((i) => ({ day: i.day, metric: i.metric })),
      // Stamped per attempt: the rollup keeps a mark until its counting has surely committed.
      new Date(),
    );
    const outcome: CountingOutcome = await writeCounting(
      envelope.eventId,
      planned.increments,
      planned.state,
      now,
    );
    if (outcome === "counted") return { outcome, increments: planned.increments.length };
    if (outcome === "duplicate") return { outcome, increments: 0 };
    if (attempt >= ATTEMPTS) {
      throw new Error(
        `Counting ${detailType} ${envelope.eventId} kept meeting other writes (${outcome}); the event is retried`,
      );
    }
    await pause(attempt);
  }
};
