import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";

/**
 * The local runtime's record of state machine executions, kept in the table so that an
 * execution's name stays taken across a restart (Step Functions refuses a name for 90 days) and
 * a running execution can be resumed; with `--in-memory` they go away with the data, as they
 * should. Only the local runtime reads and writes these items; no API or event sees them (the
 * entity type is not a published one).
 *
 * | item                | pk                               | sk                          |
 * |---------------------|----------------------------------|-----------------------------|
 * | one execution       | `LOCAL_SFN#<state machine name>` | `EXECUTION#<execution name>`|
 *
 * Resuming reads one partition: the executions of one state machine.
 */

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface ExecutionRecord {
  readonly stateMachine: string;
  readonly name: string;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly status: ExecutionStatus;
  /** The input as StartExecution received it: a JSON text. */
  readonly input: string;
  readonly startDate: string;
  readonly stopDate?: string;
  /** The output as a JSON text, when the execution succeeded. */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

const ENTITY_TYPE = "local-sfn-execution";
const partitionOf = (stateMachine: string) => `LOCAL_SFN#${stateMachine}`;
const keyOf = (stateMachine: string, name: string) => ({
  pk: partitionOf(stateMachine),
  sk: `EXECUTION#${name}`,
});

export interface ExecutionStore {
  /** Records a new execution; false when one of that name exists already. */
  create(record: ExecutionRecord): Promise<boolean>;
  get(stateMachine: string, name: string): Promise<ExecutionRecord | undefined>;
  /**
   * Closes a running execution. False when it was not running any more (stopped meanwhile),
   * so the first close wins, as in Step Functions.
   */
  close(
    record: ExecutionRecord,
    outcome: Pick<ExecutionRecord, "status" | "stopDate" | "output" | "error" | "cause">,
  ): Promise<boolean>;
  /** Every execution of a state machine, in name order. */
  list(stateMachine: string): Promise<ExecutionRecord[]>;
}

const recordOf = (item: Record<string, unknown>): ExecutionRecord => {
  const { pk: _pk, sk: _sk, entityType: _type, ...record } = item;
  return record as unknown as ExecutionRecord;
};

export const createExecutionStore = (client: DynamoDBClient, tableName: string): ExecutionStore => {
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    async create(record) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keyOf(record.stateMachine, record.name),
              entityType: ENTITY_TYPE,
              ...record,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async get(stateMachine, name) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: keyOf(stateMachine, name),
          ConsistentRead: true,
        }),
      );
      return Item ? recordOf(Item) : undefined;
    },
    async close(record, outcome) {
      const fields = Object.entries(outcome).filter(([, value]) => value !== undefined);
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(record.stateMachine, record.name),
            UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
            ConditionExpression: "#status = :running",
            ExpressionAttributeNames: {
              "#status": "status",
              ...Object.fromEntries(fields.map(([field], i) => [`#f${i}`, field])),
            },
            ExpressionAttributeValues: {
              ":running": "RUNNING",
              ...Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async list(stateMachine) {
      const records: ExecutionRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": partitionOf(stateMachine) },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        records.push(...(page.Items ?? []).map(recordOf));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return records;
    },
  };
};
