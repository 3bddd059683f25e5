import { contactBody, storedContact } from "./contact-data.ts";
import { callExpecting, type Handlers } from "./handlers.ts";
import { rawCreate, rawGet, rawList, rawUpdate } from "./raw-calls.ts";
import { type Summary, shuffled, summarize, timed } from "./stats.ts";

/**
 * Warm latency of the main contacts routes: the real handler, in process, against DynamoDB Local,
 * next to the raw DynamoDB request(s) the route needs. The two are interleaved call by call, in
 * a random order, so a slow moment of the machine or of DynamoDB Local lands on both alike; the
 * ratio of their medians is the figure that is compared with the budget.
 */
export type WarmOperation = "get" | "create" | "update" | "list";

export interface WarmLatencyFigure {
  readonly operation: WarmOperation;
  readonly route: string;
  readonly floor: string;
  readonly handler: Summary;
  readonly raw: Summary;
  readonly ratioP50: number;
  readonly ratioP99: number;
}

export interface WarmLatencyResult {
  readonly iterations: number;
  readonly figures: readonly WarmLatencyFigure[];
}

interface Pair {
  readonly operation: WarmOperation;
  readonly route: string;
  readonly floor: string;
  readonly handler: (i: number) => Promise<unknown>;
  readonly raw: (i: number) => Promise<unknown>;
}

export interface WarmLatencyOptions {
  readonly iterations: number;
  /** Unmeasured rounds first: JIT, connection pool, the custom field definitions cache. */
  readonly warmup: number;
  /** Tells this run's emails apart from other runs' in a shared table. */
  readonly run: string;
}

export const measureWarmLatency = async (
  handlers: Handlers,
  options: WarmLatencyOptions,
): Promise<WarmLatencyResult> => {
  const { run } = options;
  // One contact each for the handler and the raw calls to read and rewrite, of the same shape.
  const created = await callExpecting(
    handlers,
    { routeKey: "POST /contacts", body: contactBody(0, `${run}-h`) },
    201,
  );
  const handlerId = String(created.json?.id);
  const rawContact = storedContact(0, `${run}-r`);
  await rawCreate(rawContact);

  let sequence = 1;
  const pairs: readonly Pair[] = [
    {
      operation: "get",
      route: "GET /contacts/{contactId}",
      floor: "BatchGetItem",
      handler: () =>
        callExpecting(
          handlers,
          { routeKey: "GET /contacts/{contactId}", pathParameters: { contactId: handlerId } },
          200,
        ),
      raw: () => rawGet(handlerId),
    },
    {
      operation: "create",
      route: "POST /contacts",
      floor: "TransactWriteItems",
      handler: () =>
        callExpecting(
          handlers,
          { routeKey: "POST /contacts", body: contactBody(sequence++, `${run}-h`) },
          201,
        ),
      raw: () => rawCreate(storedContact(sequence++, `${run}-r`)),
    },
    {
      operation: "update",
      route: "PATCH /contacts/{contactId}",
      floor: "GetItem + TransactWriteItems",
      handler: (i) =>
        callExpecting(
          handlers,
          {
            routeKey: "PATCH /contacts/{contactId}",
            pathParameters: { contactId: handlerId },
            body: { jobTitle: `Engineer ${i}` },
          },
          200,
        ),
      raw: (i) => rawUpdate(rawContact.id, `Engineer ${i}`),
    },
    {
      operation: "list",
      route: "GET /contacts",
      floor: "Query",
      handler: () => callExpecting(handlers, { routeKey: "GET /contacts" }, 200),
      raw: () => rawList(),
    },
  ];

  const samples = new Map(
    pairs.map((p) => [p.operation, { handler: [] as number[], raw: [] as number[] }]),
  );
  for (let i = -options.warmup; i < options.iterations; i++) {
    for (const pair of shuffled(pairs)) {
      const handlerFirst = Math.random() < 0.5;
      const first = await timed(() => (handlerFirst ? pair.handler(i) : pair.raw(i)));
      const second = await timed(() => (handlerFirst ? pair.raw(i) : pair.handler(i)));
      if (i < 0) continue;
      const bucket = samples.get(pair.operation);
      bucket?.handler.push(handlerFirst ? first : second);
      bucket?.raw.push(handlerFirst ? second : first);
    }
  }

  return {
    iterations: options.iterations,
    figures: pairs.map((pair) => {
      const bucket = samples.get(pair.operation) ?? { handler: [], raw: [] };
      const handler = summarize(bucket.handler);
      const raw = summarize(bucket.raw);
      return {
        operation: pair.operation,
        route: pair.route,
        floor: pair.floor,
        handler,
        raw,
        ratioP50: handler.p50 / raw.p50,
        ratioP99: handler.p99 / raw.p99,
      };
    }),
  };
};
