import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { FunctionInvoker } from "#local/function-invoker";

/**
 * Feeds the table's stream in DynamoDB Local to a stream function (the stream publisher), as
 * Lambda's DynamoDB event source does in AWS: DescribeTable -> the latest stream, DescribeStream
 * -> its shards (parents before children, so a record is never overtaken by a later change of
 * the same item), GetShardIterator, GetRecords -> a `DynamoDBStreamEvent` batch -> the handler.
 *
 * - The checkpoint (the last sequence number handled per shard, and which shards are finished)
 *   is written to `<dataDir>/events/` after every batch, so a restart resumes where it stopped:
 *   nothing is lost, and nothing handled is handed over again.
 * - A partial batch response is honoured like the event source does: the batch is retried from
 *   the first failed record. A batch that keeps failing (an invocation error, or the same first
 *   failure `maxBatchAttempts` times) is written to an on-failure file and skipped, like the
 *   event source's bounded retries and on-failure destination.
 */

export interface StreamPollerOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly functionName: string;
  readonly invoker: FunctionInvoker;
  readonly dataDir: string;
  readonly region: string;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly maxBatchAttempts?: number;
  readonly logError?: (message: string, error: unknown) => void;
}

export interface StreamPoller {
  readonly checkpointFile: string;
  readonly failureFile: string;
  /** Polls once, now: every shard up to its end or to the records there are. */
  pollOnce(): Promise<void>;
  stop(): Promise<void>;
}

interface ShardCheckpoint {
  readonly last?: string;
  readonly finished?: boolean;
}

interface Checkpoint {
  readonly streamArn: string;
  readonly shards: Record<string, ShardCheckpoint>;
}

const readCheckpoint = async (file: string): Promise<Checkpoint | undefined> => {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Checkpoint;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
};

/** Written to a temporary file and renamed: a crash mid-write leaves the previous checkpoint. */
const writeCheckpoint = async (file: string, checkpoint: Checkpoint) => {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, JSON.stringify(checkpoint, null, 2), "utf8");
  await rename(temporary, file);
};

type Attribute = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Attribute =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The Streams client deserializes an empty map (`{ "M": {} }`) into `{}`, which no longer
 * says what it was, and `unmarshall` throws on it. An attribute value with no member can only
 * have been an empty map, so it is put back, at any depth.
 */
export const repairImage = (image: Attribute | undefined): Attribute | undefined => {
  if (!image) return image;
  const repair = (value: unknown): unknown => {
    if (!isPlainObject(value)) return value;
    const members = Object.keys(value);
    if (members.length === 0) return { M: {} };
    if (isPlainObject(value.M)) {
      return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, repair(v)])) };
    }
    if (Array.isArray(value.L)) return { L: value.L.map(repair) };
    return value;
  };
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repair(value)]));
};

/** Lambda's shape of a stream record, from the Streams API's. */
export const toLambdaRecord = (
  record: StreamRecord,
  streamArn: string,
  region: string,
): DynamoDBRecord => {
  const change = record.dynamodb;
  const created = change?.ApproximateCreationDateTime;
  return JSON.parse(
    JSON.stringify({
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: record.eventVersion ?? "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: region,
      eventSourceARN: streamArn,
      dynamodb: {
        ...change,
        Keys: repairImage(change?.Keys),
        NewImage: repairImage(change?.NewImage),
        OldImage: repairImage(change?.OldImage),
        ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
      },
    }),
  ) as DynamoDBRecord;
};

/** Parents first: a child shard holds later changes of the same keys. */
const parentsFirst = (shards: readonly Shard[]): Shard[] => {
  const ids = new Set(shards.map((s) => s.ShardId));
  const ordered: Shard[] = [];
  const placed = new Set<string>();
  const place = (shard: Shard) => {
    if (!shard.ShardId || placed.has(shard.ShardId)) return;
    const parent = shards.find((s) => s.ShardId === shard.ParentShardId);
    if (parent && ids.has(parent.ShardId)) place(parent);
    placed.add(shard.ShardId);
    ordered.push(shard);
  };
  for (const shard of shards) place(shard);
  return ordered;
};

export const startStreamPoller = async (options: StreamPollerOptions): Promise<StreamPoller> => {
  const directory = join(options.dataDir, "events");
  await mkdir(directory, { recursive: true });
  const checkpointFile = join(directory, `stream-checkpoint-${options.functionName}.json`);
  const failureFile = join(directory, `stream-failures-${options.functionName}.jsonl`);
  const batchSize = options.batchSize ?? 100;
  const maxBatchAttempts = options.maxBatchAttempts ?? 3;
  const logError = options.logError ?? (() => {});

  const table = await options.dynamodb.send(
    new DescribeTableCommand({ TableName: options.tableName }),
  );
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
  const saved = await readCheckpoint(checkpointFile);
  // A checkpoint of another stream (the table was recreated) says nothing about this one.
  const checkpoint: Checkpoint = saved?.streamArn === streamArn ? saved : { streamArn, shards: {} };
  const failures = new Map<string, number>();

  const save = (shardId: string, state: ShardCheckpoint) => {
    checkpoint.shards[shardId] = state;
    return writeCheckpoint(checkpointFile, checkpoint);
  };

  const listShards = async (): Promise<Shard[]> => {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await options.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return parentsFirst(shards);
  };

  const iteratorOf = async (shardId: string): Promise<string | undefined> => {
    const last = checkpoint.shards[shardId]?.last;
    const answer = await options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(last
          ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: last }
          : { ShardIteratorType: "TRIM_HORIZON" }),
      }),
    );
    return answer.ShardIterator;
  };

  /** Hands a batch to the function; returns the sequence number handled up to, inclusive. */
  const handOver = async (
    shardId: string,
    records: readonly DynamoDBRecord[],
  ): Promise<string | undefined> => {
    const event: DynamoDBStreamEvent = { Records: [...records] };
    const first = records[0]?.dynamodb?.SequenceNumber ?? "";
    const invocation = await options.invoker.invoke(options.functionName, event);
    let firstFailed: string | undefined;
    if (invocation.outcome !== "returned") {
      firstFailed = first;
      logError(
        `Stream function ${options.functionName} failed on a batch of ${records.length}`,
        invocation.outcome === "failed" ? invocation.error : invocation,
      );
    } else {
      const response = invocation.result as DynamoDBBatchResponse | undefined;
      const failed = new Set(response?.batchItemFailures?.map((f) => f.itemIdentifier) ?? []);
      firstFailed = records.find((r) => failed.has(r.dynamodb?.SequenceNumber ?? ""))?.dynamodb
        ?.SequenceNumber;
    }
    if (firstFailed === undefined) return records.at(-1)?.dynamodb?.SequenceNumber;
    const retryKey = `${shardId}/${firstFailed}`;
    const attempts = (failures.get(retryKey) ?? 0) + 1;
    failures.set(retryKey, attempts);
    const index = records.findIndex((r) => r.dynamodb?.SequenceNumber === firstFailed);
    if (attempts >= maxBatchAttempts) {
      // Like the event source's on-failure destination: keep the batch, move on.
      const rest = records.slice(index);
      await appendFile(
        failureFile,
        `${JSON.stringify({ failedAt: new Date().toISOString(), shardId, records: rest })}\n`,
        "utf8",
      );
      failures.delete(retryKey);
      return records.at(-1)?.dynamodb?.SequenceNumber;
    }
    // Retried from the first failed record: everything before it is done.
    return index > 0 ? records[index - 1]?.dynamodb?.SequenceNumber : undefined;
  };

  const pollShard = async (shardId: string): Promise<void> => {
    let iterator = await iteratorOf(shardId);
    while (iterator) {
      const page = await options.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }),
      );
      const records = (page.Records ?? []).map((r) => toLambdaRecord(r, streamArn, options.region));
      if (records.length > 0) {
        const handled = await handOver(shardId, records);
        const last = records.at(-1)?.dynamodb?.SequenceNumber;
        if (handled) await save(shardId, { ...checkpoint.shards[shardId], last: handled });
        // A failed record: the next poll starts again after the checkpoint.
        if (handled !== last) return;
      }
      iterator = page.NextShardIterator;
      if (!iterator) await save(shardId, { ...checkpoint.shards[shardId], finished: true });
      else if (records.length === 0) return;
    }
  };

  const pollAll = async () => {
    for (const shard of await listShards()) {
      const shardId = shard.ShardId;
      if (!shardId || checkpoint.shards[shardId]?.finished) continue;
      const parent = shard.ParentShardId;
      // A child waits until its parent is drained (and a parent no longer listed is gone).
      if (parent && checkpoint.shards[parent] && !checkpoint.shards[parent]?.finished) continue;
      try {
        await pollShard(shardId);
      } catch (error) {
        if (error instanceof ExpiredIteratorException) continue;
        if (error instanceof TrimmedDataAccessException) {
          // The checkpoint is older than the stream's 24 hours: what is gone is gone.
          logError(`Stream records of shard ${shardId} expired before they were read`, error);
          await save(shardId, {});
          continue;
        }
        throw error;
      }
    }
  };

  // Polls never overlap: two at once would hand the same records over twice.
  let queue: Promise<void> = Promise.resolve();
  const pollOnce = () => {
    const next = queue.then(pollAll);
    queue = next.catch(() => {});
    return next;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    pollOnce()
      .catch((error: unknown) => logError("Polling the table's stream failed", error))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.pollIntervalMs ?? 200);
      });
  };
  loop();

  return {
    checkpointFile,
    failureFile,
    pollOnce,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await queue;
    },
  };
};
