import { Duration, Stack, Validations } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { CfnSchedule } from "aws-cdk-lib/aws-scheduler";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { CrmFunction } from "#infra/constructs/crm-function";
import type { FunctionName } from "#lib/wiring/functions";
import type { ScheduleDeclaration, ScheduledInvocation } from "#lib/wiring/schedules";

export interface CrmSchedulesProps {
  readonly declarations: readonly ScheduleDeclaration[];
  readonly functionOf: (name: FunctionName) => CrmFunction;
}

/** `webhook-retry-sweep` -> `WebhookRetrySweep`. */
const constructIdOf = (name: string) =>
  name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/** DLQ messages are for an operator to look at; two weeks is SQS's longest retention. */
const DLQ_RETENTION = Duration.days(14);
/** Filled in by EventBridge Scheduler on each run (a context attribute). */
const SCHEDULED_TIME = "<aws.scheduler.scheduled-time>";

/**
 * One EventBridge Scheduler schedule per declaration (`lib/wiring/schedules.ts`), invoking its
 * function with `{ schedule, scheduledTime }`, the input the local scheduler sends too.
 *
 * A failed invocation is retried twice, then goes to the schedule's SQS dead-letter queue. A run
 * more than a minute late is dropped rather than replayed: the next run does the same work.
 *
 * The L1 resource is used with a role of our own because the L2 target grants
 * `lambda:InvokeFunction` on `<function>:*` too (every version and alias), a wildcard this
 * role does not need: it may invoke exactly the target function and write to exactly its DLQ.
 */
export class CrmSchedules extends Construct {
  readonly deadLetterQueues: ReadonlyMap<string, Queue>;
  readonly schedules: ReadonlyMap<string, CfnSchedule>;

  constructor(scope: Construct, id: string, props: CrmSchedulesProps) {
    super(scope, id);
    const queues = new Map<string, Queue>();
    const built = new Map<string, CfnSchedule>();
    for (const declaration of props.declarations) {
      const name = constructIdOf(declaration.name);
      const target = props.functionOf(declaration.target.function);
      const deadLetterQueue = new Queue(this, `${name}Dlq`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: DLQ_RETENTION,
      });
      Validations.of(deadLetterQueue).acknowledge({
        id: "AwsSolutions-SQS3",
        reason:
          "This queue is itself the dead-letter queue of the schedule's target (EventBridge " +
          "Scheduler's DeadLetterConfig); cdk-nag only recognises a DLQ when another queue's " +
          "RedrivePolicy names it.",
      });
      const role = new Role(this, `${name}Role`, {
        assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
          conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
        }),
        description: `EventBridge Scheduler invokes ${declaration.target.function} for ${declaration.name}`,
      });
      role.addToPolicy(
        new PolicyStatement({
          actions: ["lambda:InvokeFunction"],
          resources: [target.functionArn],
        }),
      );
      deadLetterQueue.grantSendMessages(role);
      const input: ScheduledInvocation = {
        schedule: declaration.name,
        scheduledTime: SCHEDULED_TIME,
      };
      const schedule = new CfnSchedule(this, name, {
        description: declaration.description,
        scheduleExpression: declaration.expression,
        scheduleExpressionTimezone: "UTC",
        flexibleTimeWindow: { mode: "OFF" },
        state: "ENABLED",
        target: {
          arn: target.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify(input),
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 60 },
          deadLetterConfig: { arn: deadLetterQueue.queueArn },
        },
      });
      queues.set(declaration.name, deadLetterQueue);
      built.set(declaration.name, schedule);
    }
    this.deadLetterQueues = queues;
    this.schedules = built;
  }
}
