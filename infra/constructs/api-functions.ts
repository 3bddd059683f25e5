import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import type { IEventBus } from "aws-cdk-lib/aws-events";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { CrmFunction } from "#infra/constructs/crm-function";
import type { CrmTable } from "#infra/constructs/data";
import { bindBus, bindStream } from "#infra/constructs/events";
import type { FunctionDeclaration, FunctionName } from "#lib/wiring/functions";

export interface ApiFunctionsProps {
  readonly declarations: Readonly<Record<FunctionName, FunctionDeclaration>>;
  readonly table: CrmTable;
  /** The table whose stream the `stream` functions read. */
  readonly streamTable: ITableV2;
  /** The stack's bus, for the functions whose `busAccess` is `put`. */
  readonly bus: IEventBus;
  readonly rolesClaim: string;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** `customFields` -> `CustomFields`: construct ids read like the other resources' ids. */
const constructIdOf = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/**
 * One function per declaration of `lib/wiring/functions.ts` (API resources, rule targets and
 * stream consumers), each bound to the table at the access level its declaration names and no
 * higher, to the bus when it puts events, and to the table's stream when it reads it.
 */
export class ApiFunctions extends Construct {
  readonly byName: ReadonlyMap<FunctionName, CrmFunction>;
  /** The on-failure queue of each stream function's event source. */
  readonly streamFailureQueues: ReadonlyMap<FunctionName, Queue>;

  constructor(scope: Construct, id: string, props: ApiFunctionsProps) {
    super(scope, id);
    const byName = new Map<FunctionName, CrmFunction>();
    const streamFailureQueues = new Map<FunctionName, Queue>();
    for (const [name, declaration] of entriesOf(props.declarations)) {
      const fn = new CrmFunction(this, constructIdOf(name), {
        entry: declaration.entry,
        description: declaration.description,
        rolesClaim: props.rolesClaim,
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
        ...(declaration.memorySize === undefined ? {} : { memorySize: declaration.memorySize }),
        ...(declaration.timeoutSeconds === undefined
          ? {}
          : { timeout: Duration.seconds(declaration.timeoutSeconds) }),
      });
      fn.bindTable(props.table, declaration.tableAccess);
      bindBus(fn, props.bus, declaration.busAccess);
      if (declaration.stream) {
        streamFailureQueues.set(name, bindStream(this, fn, props.streamTable, name));
      }
      byName.set(name, fn);
    }
    this.byName = byName;
    this.streamFailureQueues = streamFailureQueues;
  }

  /** The function a route declaration names; the declarations are typed, so it always exists. */
  get(name: FunctionName): CrmFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`No function is declared under the name "${name}"`);
    return fn;
  }
}

/** `Object.entries` with the record's key type kept (the declarations have no extra keys). */
const entriesOf = <K extends string, V>(record: Readonly<Record<K, V>>) =>
  Object.entries(record) as [K, V][];
