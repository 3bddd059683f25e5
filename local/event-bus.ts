import { randomUUID } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { EventBridgeEvent } from "aws-lambda";
import { matchesPattern } from "#lib/events/pattern-matcher";
import type { RuleDeclaration } from "#lib/wiring/rules";
import { LOCAL_ACCOUNT_ID } from "#local/api-gateway-event";
import type { FunctionInvoker, Invocation } from "#local/function-invoker";

/**
 * The local EventBridge bus: it accepts events (from the stream publisher through the PutEvents
 * HTTP endpoint in `event-bus-server.ts`, or in-process), keeps an append-only archive of them,
 * matches each against every rule of `lib/wiring/rules.ts` with the same pattern semantics as
 * EventBridge, and invokes the rule's target function with the event, as EventBridge would.
 *
 * Like a rule target with a retry policy, a failed invocation is retried with exponential
 * backoff; an event that exhausts its attempts goes to a dead-letter file, as it would to the
 * rule's SQS DLQ. Deliveries in flight are lost if the process stops (EventBridge keeps them);
 * the archive lets a developer see and replay what was put.
 */

export type LocalBusEvent = EventBridgeEvent<string, unknown>;

/** One entry as PutEvents takes it. */
export interface PutEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
  /** Epoch seconds (the JSON protocol) or a Date (in-process). */
  readonly Time?: number | Date;
}

export type PutResult =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

export interface DeadLetter {
  readonly rule: string;
  readonly function: string;
  readonly attempts: number;
  readonly error: string;
  readonly failedAt: string;
  readonly event: LocalBusEvent;
}

export interface DeliveryPolicy {
  /** Invocations per event and rule, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Short, so that a failing target shows up in seconds locally, not hours as in AWS. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
};

export interface LocalEventBusOptions {
  readonly eventBusName: string;
  readonly rules: readonly RuleDeclaration[];
  readonly invoker: FunctionInvoker;
  /** The archive and the dead letters live in `<dataDir>/events/`. */
  readonly dataDir: string;
  readonly region: string;
  readonly delivery?: Partial<DeliveryPolicy>;
  readonly logError?: (message: string, error: unknown) => void;
}

export interface LocalEventBus {
  readonly eventBusName: string;
  /** The bus's ARN, as rule targets see it in their events. */
  readonly arn: string;
  /** PutEvents, in-process: one result per entry, in order. */
  put(entries: readonly PutEntry[]): Promise<PutResult[]>;
  /** Every event accepted since this bus started, oldest first. */
  events(): readonly LocalBusEvent[];
  /**
   * The first event, already accepted or still to come, that satisfies `predicate`; rejects
   * after `timeoutMs`. For tests: act, then wait for the event the action should cause.
   */
  waitFor(predicate: (event: LocalBusEvent) => boolean, timeoutMs?: number): Promise<LocalBusEvent>;
  /** Resolves when no delivery to a rule target is in flight or waiting to be retried. */
  idle(): Promise<void>;
  /** The events whose delivery exhausted its attempts, from the dead-letter file. */
  deadLetters(): Promise<DeadLetter[]>;
  readonly archiveFile: string;
  readonly deadLetterFile: string;
  /** Stops accepting events and waits for deliveries in flight. */
  close(): Promise<void>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** EventBridge's `time`: ISO-8601 to the second. */
const eventTime = (time: number | Date | undefined): string => {
  const date =
    time === undefined ? new Date() : time instanceof Date ? time : new Date(time * 1000);
  return `${date.toISOString().slice(0, 19)}Z`;
};

const describeFailure = (invocation: Invocation): string => {
  if (invocation.outcome === "timed_out") return `timed out after ${invocation.timeoutSeconds} s`;
  if (invocation.outcome === "failed") {
    return invocation.error instanceof Error ? invocation.error.message : String(invocation.error);
  }
  return "";
};

const readJsonLines = async <T>(file: string): Promise<T[]> => {
  try {
    const text = await readFile(file, "utf8");
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as T);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
};

export const createLocalEventBus = async (
  options: LocalEventBusOptions,
): Promise<LocalEventBus> => {
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...options.delivery };
  const directory = join(options.dataDir, "events");
  await mkdir(directory, { recursive: true });
  const archiveFile = join(directory, "archive.jsonl");
  const deadLetterFile = join(directory, "dead-letters.jsonl");
  const arn = `arn:aws:events:${options.region}:${LOCAL_ACCOUNT_ID}:event-bus/${options.eventBusName}`;
  const logError = options.logError ?? (() => {});
  // Fail at startup, not on the first event, when a declared pattern is malformed.
  for (const rule of options.rules) matchesPattern(rule.pattern, {});

  const accepted: LocalBusEvent[] = [];
  const waiters = new Set<(event: LocalBusEvent) => void>();
  const inFlight = new Set<Promise<void>>();
  // Appends are chained so that archive lines never interleave.
  let writes: Promise<void> = Promise.resolve();
  const append = (file: string, value: unknown) => {
    writes = writes.then(() => appendFile(file, `${JSON.stringify(value)}\n`, "utf8"));
    return writes;
  };
  let closed = false;

  const deliver = async (rule: RuleDeclaration, event: LocalBusEvent) => {
    let lastError = "";
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const invocation = await options.invoker.invoke(rule.target.function, event);
      if (invocation.outcome === "returned") return;
      lastError = describeFailure(invocation);
      logError(
        `Rule ${rule.name}: ${rule.target.function} failed on event ${event.id} (attempt ${attempt}/${policy.maxAttempts}): ${lastError}`,
        invocation.outcome === "failed" ? invocation.error : undefined,
      );
      if (attempt < policy.maxAttempts) {
        const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * ceiling)));
      }
    }
    const deadLetter: DeadLetter = {
      rule: rule.name,
      function: rule.target.function,
      attempts: policy.maxAttempts,
      error: lastError,
      failedAt: new Date().toISOString(),
      event,
    };
    await append(deadLetterFile, deadLetter);
  };

  const track = (delivery: Promise<void>) => {
    inFlight.add(delivery);
    delivery
      .catch((error: unknown) => logError("Event delivery crashed", error))
      .finally(() => inFlight.delete(delivery));
  };

  const validate = (entry: PutEntry): { code: string; message: string } | LocalBusEvent => {
    if (closed) return { code: "InternalFailure", message: "The local bus is stopping" };
    if ((entry.EventBusName ?? "default") !== options.eventBusName && entry.EventBusName !== arn) {
      return {
        code: "ResourceNotFoundException",
        message: `Event bus ${entry.EventBusName ?? "default"} does not exist; this runtime's bus is ${options.eventBusName}`,
      };
    }
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        code: "InvalidArgument",
        message: "Parameters Source, DetailType and Detail are required",
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { code: "MalformedDetail", message: "Detail is malformed" };
    }
    if (!isObject(detail)) return { code: "MalformedDetail", message: "Detail must be an object" };
    return {
      version: "0",
      id: randomUUID(),
      "detail-type": entry.DetailType,
      source: entry.Source,
      account: LOCAL_ACCOUNT_ID,
      time: eventTime(entry.Time),
      region: options.region,
      resources: [...(entry.Resources ?? [])],
      detail,
    };
  };

  const accept = (event: LocalBusEvent) => {
    accepted.push(event);
    for (const waiter of [...waiters]) waiter(event);
    for (const rule of options.rules) {
      if (matchesPattern(rule.pattern, event)) track(deliver(rule, event));
    }
  };

  return {
    eventBusName: options.eventBusName,
    arn,
    archiveFile,
    deadLetterFile,
    async put(entries) {
      const results: PutResult[] = [];
      const events: LocalBusEvent[] = [];
      for (const entry of entries) {
        const outcome = validate(entry);
        if ("code" in outcome) {
          results.push({ ErrorCode: outcome.code, ErrorMessage: outcome.message });
        } else {
          events.push(outcome);
          results.push({ EventId: outcome.id });
        }
      }
      // Archived before it is acknowledged, like EventBridge's archive, so a put that
      // succeeded is on disk.
      for (const event of events) await append(archiveFile, event);
      for (const event of events) accept(event);
      return results;
    },
    events: () => [...accepted],
    waitFor(predicate, timeoutMs = 10_000) {
      const seen = accepted.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = (event: LocalBusEvent) => {
          if (!predicate(event)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(event);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No matching event on the local bus within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await writes;
    },
    deadLetters: async () => {
      await writes;
      return readJsonLines<DeadLetter>(deadLetterFile);
    },
    async close() {
      closed = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await writes;
    },
  };
};
