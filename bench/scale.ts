import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { allContactsPartition, byTagPartition } from "#lib/contacts/keys";
import { normalizeName } from "#lib/records/sort-key";
import { LIST_TAG, NAME_PREFIX } from "./contact-data.ts";
import { createBenchTable } from "./dynamodb.ts";
import { callExpecting, type Handlers, type RouteRequest } from "./handlers.ts";
import { type RawListQuery, rawQuery } from "./raw-calls.ts";
import { describeRequests, type RequestMeter } from "./request-meter.ts";
import { type LoadResult, loadContacts } from "./seed.ts";
import { now, type Summary, shuffled, summarize, timed } from "./stats.ts";

/**
 * Lists at two table sizes. Each size has its own table, loaded in the stored shape, and the
 * calls alternate between them (the handlers read TABLE_NAME on every call), so both sizes are
 * measured at the same moments. A list must cost the same requests at both sizes, and its
 * latency must not grow with the table: DynamoDB reads one page, whatever is around it.
 *
 * Next to each handler call, the raw Query it sends is timed too, at the same size: when the
 * handler slows down with the table, that says whether DynamoDB Local's Query did.
 */
export interface ScaleSide {
  readonly contacts: number;
  readonly latency: Summary;
  /** The raw Query of the same page, without the handler. */
  readonly rawLatency: Summary;
  /** Every distinct request mix seen; exactly one when the list is O(page). */
  readonly requestMixes: readonly string[];
  readonly requestsPerCall: number;
  readonly readUnits: number;
  readonly pageItems: number;
}

export interface ScaleFigure {
  readonly list: string;
  readonly small: ScaleSide;
  readonly large: ScaleSide;
  readonly ratioP50: number;
  /** The same ratio for the raw Query: DynamoDB Local's own growth. */
  readonly rawRatioP50: number;
  readonly identicalRequests: boolean;
}

export interface ScaleResult {
  readonly iterations: number;
  readonly loads: readonly LoadResult[];
  readonly figures: readonly ScaleFigure[];
}

const LISTS: readonly {
  readonly label: string;
  readonly request: RouteRequest;
  readonly raw: RawListQuery;
}[] = [
  {
    label: "GET /contacts",
    request: { routeKey: "GET /contacts" },
    raw: { index: "gsi3", partition: allContactsPartition },
  },
  {
    label: `GET /contacts?tag=${LIST_TAG}`,
    request: { routeKey: "GET /contacts", query: { tag: LIST_TAG } },
    raw: { index: "gsi1", partition: byTagPartition(LIST_TAG) },
  },
  {
    label: `GET /contacts?q=${NAME_PREFIX}`,
    request: { routeKey: "GET /contacts", query: { q: NAME_PREFIX } },
    raw: {
      index: "gsi3",
      partition: allContactsPartition,
      sortBeginsWith: normalizeName(NAME_PREFIX),
    },
  },
];

interface Samples {
  readonly latencies: number[];
  readonly rawLatencies: number[];
  readonly mixes: Set<string>;
  requests: number;
  readUnits: number;
  pageItems: number;
}

export interface ScaleOptions {
  readonly sizes: readonly [small: number, large: number];
  readonly iterations: number;
  readonly warmup: number;
  readonly run: string;
}

export const measureScale = async (
  handlers: Handlers,
  meter: RequestMeter,
  setup: DynamoDBClient,
  options: ScaleOptions,
): Promise<ScaleResult> => {
  const [smallSize, largeSize] = options.sizes;
  const tables = [
    { size: smallSize, name: await createBenchTable(setup, `scale-${smallSize}`) },
    { size: largeSize, name: await createBenchTable(setup, `scale-${largeSize}`) },
  ];
  const loads: LoadResult[] = [];
  for (const table of tables) {
    loads.push(await loadContacts(setup, table.name, table.size, `${options.run}-${table.size}`));
  }

  const samples = new Map<string, Samples>();
  const bucket = (list: string, size: number): Samples => {
    const key = `${list}|${size}`;
    const found = samples.get(key);
    if (found) return found;
    const created: Samples = {
      latencies: [],
      rawLatencies: [],
      mixes: new Set(),
      requests: 0,
      readUnits: 0,
      pageItems: 0,
    };
    samples.set(key, created);
    return created;
  };
  const previousTable = process.env.TABLE_NAME;
  try {
    for (let i = -options.warmup; i < options.iterations; i++) {
      for (const list of shuffled(LISTS)) {
        for (const table of shuffled(tables)) {
          process.env.TABLE_NAME = table.name;
          const start = now();
          const { result, tally } = await meter.measure(() =>
            callExpecting(handlers, list.request, 200),
          );
          const elapsed = now() - start;
          const raw = await timed(() => rawQuery(list.raw));
          if (i < 0) continue;
          const into = bucket(list.label, table.size);
          into.latencies.push(elapsed);
          into.rawLatencies.push(raw);
          into.mixes.add(describeRequests(tally));
          into.requests = tally.total;
          into.readUnits = tally.readUnits;
          const data = result.json?.data;
          into.pageItems = Array.isArray(data) ? data.length : 0;
        }
      }
    }
  } finally {
    process.env.TABLE_NAME = previousTable;
  }

  const side = (list: string, size: number): ScaleSide => {
    const s = bucket(list, size);
    return {
      contacts: size,
      latency: summarize(s.latencies),
      rawLatency: summarize(s.rawLatencies),
      requestMixes: [...s.mixes],
      requestsPerCall: s.requests,
      readUnits: s.readUnits,
      pageItems: s.pageItems,
    };
  };
  return {
    iterations: options.iterations,
    loads,
    figures: LISTS.map(({ label }) => {
      const small = side(label, smallSize);
      const large = side(label, largeSize);
      return {
        list: label,
        small,
        large,
        ratioP50: large.latency.p50 / small.latency.p50,
        rawRatioP50: large.rawLatency.p50 / small.rawLatency.p50,
        identicalRequests:
          small.requestMixes.length === 1 &&
          large.requestMixes.length === 1 &&
          small.requestMixes[0] === large.requestMixes[0],
      };
    }),
  };
};
