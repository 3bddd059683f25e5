import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Duration, NestedStack, Validations } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Archive, type CfnRule, EventBus, type IEventBus, Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { CfnRegistry, CfnSchema } from "aws-cdk-lib/aws-eventschemas";
import { StartingPosition } from "aws-cdk-lib/aws-lambda";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { eventCatalogue } from "#events/catalogue";
import { EVENT_SOURCE } from "#events/envelope";
import { schemaFileOf } from "#events/json-schema";
import type { EventsConfig } from "#infra/config/customer-config";
import type { CrmFunction } from "#infra/constructs/crm-function";
import { projectRoot } from "#infra/project-root";
import type { BusAccess, FunctionName } from "#lib/wiring/functions";
import type { RuleDeclaration } from "#lib/wiring/rules";

/** `webhook-dispatch` -> `WebhookDispatch`. */
const constructIdOf = (name: string) =>
  name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/** Dead letters are for an operator to look at; two weeks is SQS's longest retention. */
const DLQ_RETENTION = Duration.days(14);

/** An encrypted, TLS-only queue that receives what could not be delivered. */
const deadLetterQueue = (scope: Construct, id: string, whose: string): Queue => {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DLQ_RETENTION,
  });
  Validations.of(queue).acknowledge({
    id: "AwsSolutions-SQS3",
    reason:
      `This queue is itself the dead-letter destination of ${whose}; cdk-nag only recognises ` +
      "a DLQ when another queue's RedrivePolicy names it.",
  });
  return queue;
};

export interface CrmEventBusProps {
  readonly config: EventsConfig;
}

/**
 * The stack's own EventBridge bus (a generated name), an archive of every CRM event on it so that
 * events can be replayed, and a schema registry holding the event catalogue's JSON Schemas
 * (`events/schemas/`, generated from the zod schemas), so that integrators can discover them and
 * generate code bindings.
 */
export class CrmEventBus extends Construct {
  readonly bus: EventBus;
  readonly archive: Archive;
  readonly catalogue: EventCatalogueStack;
  readonly registry: CfnRegistry;
  readonly schemas: ReadonlyMap<string, CfnSchema>;

  constructor(scope: Construct, id: string, props: CrmEventBusProps) {
    super(scope, id);
    this.bus = new EventBus(this, "Bus", {
      description: "Domain events of the CRM (source crm), and events integrations put",
    });
    this.archive = new Archive(this, "Archive", {
      sourceEventBus: this.bus,
      eventPattern: { source: [EVENT_SOURCE] },
      description: "Every CRM domain event, for replay",
      // 0 keeps events indefinitely.
      retention: Duration.days(props.config.archiveRetentionDays),
    });
    this.catalogue = new EventCatalogueStack(this, "Catalogue");
    this.registry = this.catalogue.registry;
    this.schemas = this.catalogue.schemas;
  }
}

/**
 * The schema registry and one schema per detail-type, in a nested stack of their own: the JSON
 * Schemas are most of the template's bytes and one resource per event, and a CloudFormation
 * template holds at most 1 MB and 500 resources. In the parent they are one resource.
 */
export class EventCatalogueStack extends NestedStack {
  readonly registry: CfnRegistry;
  readonly schemas: ReadonlyMap<string, CfnSchema>;

  constructor(scope: Construct, id: string) {
    super(scope, id, { description: "The CRM's event catalogue: one schema per detail-type" });
    this.registry = new CfnRegistry(this, "Registry", {
      description: "The CRM's event catalogue: one schema per detail-type",
    });
    const schemas = new Map<string, CfnSchema>();
    for (const definition of eventCatalogue) {
      const schemaId = `Schema${constructIdOf(definition.detailType.replace(/[._]/g, "-"))}`;
      const schema = new CfnSchema(this, schemaId, {
        registryName: this.registry.attrRegistryName,
        // The AWS convention for discovered schemas is `<source>@<DetailType>`.
        schemaName: `${EVENT_SOURCE}@${definition.detailType}`,
        type: "JSONSchemaDraft4",
        description: definition.description,
        content: readFileSync(join(projectRoot, schemaFileOf(definition.detailType)), "utf8"),
      });
      schemas.set(definition.detailType, schema);
    }
    this.schemas = schemas;
  }
}

/** How the stream publisher reads the table's stream, as Lambda's event source mapping. */
export const STREAM_SOURCE = {
  batchSize: 100,
  /** Split a failing batch to find the record that fails, instead of retrying it whole. */
  bisectBatchOnError: true,
  retryAttempts: 10,
  /** The stream keeps records 24 hours; older than that they are gone anyway. */
  maxRecordAge: Duration.hours(24),
  reportBatchItemFailures: true,
  /** One batch per shard at a time: changes of one item stay in order. */
  parallelizationFactor: 1,
} as const;

/** Gives a function the bus: `EVENT_BUS_NAME`, and PutEvents on this bus only. */
export const bindBus = (fn: CrmFunction, bus: IEventBus, access: BusAccess | undefined): void => {
  if (access !== "put") return;
  fn.addEnvironment("EVENT_BUS_NAME", bus.eventBusName);
  bus.grantPutEventsTo(fn);
};

/**
 * Subscribes a function to the table's stream, with partial batch responses, bisection, bounded
 * retries and an SQS on-failure queue that keeps the stream coordinates of a batch that could
 * not be handled (to read it again while the stream still has it).
 */
export const bindStream = (
  scope: Construct,
  fn: CrmFunction,
  table: ITableV2,
  name: string,
): Queue => {
  const onFailure = deadLetterQueue(
    scope,
    `${constructIdOf(name)}StreamFailures`,
    `the ${name} function's stream source`,
  );
  fn.addEventSource(
    new DynamoEventSource(table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      ...STREAM_SOURCE,
      onFailure: new SqsDlq(onFailure),
    }),
  );
  return onFailure;
};

/** How EventBridge retries a rule target before it gives the event to the rule's DLQ. */
export const RULE_TARGET_RETRY = {
  retryAttempts: 8,
  maxEventAge: Duration.hours(6),
} as const;

export interface EventRulesProps {
  readonly bus: IEventBus;
  readonly declarations: readonly RuleDeclaration[];
  readonly functionOf: (name: FunctionName) => CrmFunction;
}

/**
 * One rule per declaration of `lib/wiring/rules.ts`, on the stack's bus, with the declared
 * pattern exactly as written (the local bus matches the same JSON) and a Lambda target with a
 * retry policy and an encrypted SQS dead-letter queue of its own.
 */
export class EventRules extends Construct {
  readonly rules: ReadonlyMap<string, Rule>;
  readonly deadLetterQueues: ReadonlyMap<string, Queue>;

  constructor(scope: Construct, id: string, props: EventRulesProps) {
    super(scope, id);
    const rules = new Map<string, Rule>();
    const queues = new Map<string, Queue>();
    for (const declaration of props.declarations) {
      const name = constructIdOf(declaration.name);
      const queue = deadLetterQueue(this, `${name}Dlq`, `the ${declaration.name} rule's target`);
      const rule = new Rule(this, name, {
        eventBus: props.bus,
        description: declaration.description,
        // Replaced below by the declared pattern, verbatim: CDK's typed pattern cannot express
        // `$or` at the top level, and a verbatim copy is what the parity test compares.
        eventPattern: { source: [EVENT_SOURCE] },
        targets: [
          new LambdaFunction(props.functionOf(declaration.target.function), {
            deadLetterQueue: queue,
            ...RULE_TARGET_RETRY,
          }),
        ],
      });
      (rule.node.defaultChild as CfnRule).addPropertyOverride("EventPattern", declaration.pattern);
      rules.set(declaration.name, rule);
      queues.set(declaration.name, queue);
    }
    this.rules = rules;
    this.deadLetterQueues = queues;
  }
}

/** How Lambda retries an asynchronous invocation (from a rule or a schedule) that threw. */
const ASYNC_INVOKE_RETRY = {
  retryAttempts: 2,
  maxEventAge: Duration.hours(6),
} as const;

export interface AsyncInvokeFailuresProps {
  /** The functions that rules and schedules invoke asynchronously. */
  readonly functions: readonly CrmFunction[];
}

/**
 * Where an event-driven function's failed invocations go. A rule's or a schedule's DLQ only
 * receives what could not be *handed* to Lambda: the invocation is asynchronous, so an error the
 * function throws is retried by Lambda and then, without an on-failure destination, dropped. One
 * shared queue keeps the stack small; each record names the function and carries the event.
 */
export class AsyncInvokeFailures extends Construct {
  readonly queue: Queue;

  constructor(scope: Construct, id: string, props: AsyncInvokeFailuresProps) {
    super(scope, id);
    this.queue = deadLetterQueue(this, "Dlq", "the event-driven functions' failed invocations");
    for (const fn of new Set(props.functions)) {
      fn.configureAsyncInvoke({ ...ASYNC_INVOKE_RETRY, onFailure: new SqsDestination(this.queue) });
    }
  }
}
