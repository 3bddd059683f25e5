import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * Counts the DynamoDB requests the handlers send and the capacity they consume. It is an SDK
 * middleware on the handlers' own document client (`lib/db/client.ts`), so it sees exactly what
 * the code sends: it adds `ReturnConsumedCapacity: "TOTAL"` to every request and adds up the
 * `ConsumedCapacity` that comes back. It sits in the initialize step, before retries, so a
 * request counts once however many attempts the SDK makes.
 */
export interface RequestTally {
  /** Requests by operation: `GetItem`, `Query`, `TransactWriteItems`, ... */
  readonly requests: Readonly<Record<string, number>>;
  readonly total: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

const READS = new Set(["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);

interface Counter {
  requests: Record<string, number>;
  readUnits: number;
  writeUnits: number;
}

const emptyCounter = (): Counter => ({ requests: {}, readUnits: 0, writeUnits: 0 });

const capacityList = (value: unknown): ConsumedCapacity[] =>
  Array.isArray(value) ? (value as ConsumedCapacity[]) : value ? [value as ConsumedCapacity] : [];

export interface RequestMeter {
  /** Runs `fn` and returns what it sent to DynamoDB. */
  measure<T>(fn: () => Promise<T>): Promise<{ readonly result: T; readonly tally: RequestTally }>;
  /** Stops counting and removes the middleware. */
  uninstall(): void;
}

const MIDDLEWARE_NAME = "benchRequestMeter";

export const installRequestMeter = (client: DynamoDBDocumentClient): RequestMeter => {
  let counter = emptyCounter();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? "Unknown").replace(/Command$/, "");
      counter.requests[operation] = (counter.requests[operation] ?? 0) + 1;
      const input = args.input as Record<string, unknown>;
      const result = await next({ ...args, input: { ...input, ReturnConsumedCapacity: "TOTAL" } });
      const output = result.output as { ConsumedCapacity?: unknown };
      for (const capacity of capacityList(output.ConsumedCapacity)) {
        // DynamoDB Local reports only CapacityUnits; which kind they are follows from the call.
        const units = capacity.CapacityUnits ?? 0;
        if (READS.has(operation)) counter.readUnits += capacity.ReadCapacityUnits ?? units;
        else counter.writeUnits += capacity.WriteCapacityUnits ?? units;
      }
      return result;
    },
    { step: "initialize", name: MIDDLEWARE_NAME, override: true },
  );
  return {
    async measure(fn) {
      counter = emptyCounter();
      const result = await fn();
      const { requests, readUnits, writeUnits } = counter;
      const total = Object.values(requests).reduce((sum, n) => sum + n, 0);
      return { result, tally: { requests: { ...requests }, total, readUnits, writeUnits } };
    },
    uninstall: () => {
      client.middlewareStack.remove(MIDDLEWARE_NAME);
    },
  };
};

/** `GetItem + TransactWriteItems`, in a stable order, for tables. */
export const describeRequests = (tally: RequestTally): string =>
  Object.entries(tally.requests)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, n]) => (n === 1 ? operation : `${n}× ${operation}`))
    .join(" + ") || "none";
