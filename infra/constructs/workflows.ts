import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RemovalPolicy, Stack, Token, Validations } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import {
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
} from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { CrmFunction } from "#infra/constructs/crm-function";
import { projectRoot } from "#infra/project-root";
import type { FunctionName } from "#lib/wiring/functions";
import { type StateMachineDeclaration, stateMachineArnVariable } from "#lib/wiring/state-machines";
import { declarationProblems } from "#lib/workflows/declaration-check";

export interface CrmWorkflowsProps {
  readonly declarations: readonly StateMachineDeclaration[];
  readonly functionOf: (name: FunctionName) => CrmFunction;
  readonly logRetention: RetentionDays;
  /** Applies to the state machines' log groups. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * `arn:<partition>:states:<region>:<account>` as cdk-nag writes it in a finding's id: the
 * stack's own values where they are known (a customer's stack names its region), else the
 * pseudo parameters' names.
 */
const arnPrefixOf = (stack: Stack): string => {
  const shown = (value: string, pseudo: string) =>
    Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
  return `arn:${shown(stack.partition, "Partition")}:states:${shown(stack.region, "Region")}:${shown(stack.account, "AccountId")}`;
};

/** `lead-nurturing` -> `LeadNurturing`. */
const constructIdOf = (name: string) =>
  name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/**
 * One Standard state machine per declaration of `lib/wiring/state-machines.ts`: the declared ASL
 * file as it is (`DefinitionBody.fromFile`), its `${...}` placeholders substituted with the ARNs
 * of the functions the declaration names, every execution event logged to CloudWatch Logs, and
 * X-Ray tracing on. A declaration that disagrees with its file fails the synthesis, as it would
 * fail the local runtime's start.
 *
 * The role is our own rather than the construct's default: it may invoke exactly the task
 * functions, without the `:*` version wildcard that `grantInvoke` adds. Execution data is kept
 * out of the logs: the inputs and outputs carry leads' personal data, and the log group would
 * then need the same erasure as the table.
 *
 * Each function in `startedBy` gets StartExecution on its state machine and the ARN as
 * `<NAME>_STATE_MACHINE_ARN`; each in `stoppedBy` gets StopExecution and DescribeExecution on
 * the state machine's executions.
 */
export class CrmWorkflows extends Construct {
  readonly stateMachines: ReadonlyMap<string, StateMachine>;
  readonly logGroups: ReadonlyMap<string, LogGroup>;

  constructor(scope: Construct, id: string, props: CrmWorkflowsProps) {
    super(scope, id);
    const machines = new Map<string, StateMachine>();
    const logGroups = new Map<string, LogGroup>();
    for (const declaration of props.declarations) {
      const file = join(projectRoot, declaration.definition);
      const problems = declarationProblems(declaration, readFileSync(file, "utf8"));
      if (problems.length > 0) {
        throw new Error(`State machine ${declaration.name}: ${problems.join("; ")}`);
      }
      const name = constructIdOf(declaration.name);
      const logs = new LogGroup(this, `${name}Logs`, {
        // Step Functions delivers logs through CloudWatch vended logs; under this prefix it
        // needs no entry in the account's size-limited CloudWatch Logs resource policy, which
        // the stacks of several customers in one account would otherwise share.
        logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${declaration.name}`,
        retention: props.logRetention,
        removalPolicy: props.removalPolicy,
      });
      const role = new Role(this, `${name}Role`, {
        assumedBy: new ServicePrincipal("states.amazonaws.com", {
          conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
        }),
        description: `Step Functions runs the ${declaration.name} state machine`,
      });
      const substitutions: Record<string, string> = {};
      const taskFunctions = Object.entries(declaration.taskFunctions);
      for (const [placeholder, fnName] of taskFunctions) {
        substitutions[placeholder] = props.functionOf(fnName).functionArn;
      }
      role.addToPolicy(
        new PolicyStatement({
          actions: ["lambda:InvokeFunction"],
          resources: [...new Set(taskFunctions.map(([, fn]) => props.functionOf(fn).functionArn))],
        }),
      );
      const machine = new StateMachine(this, name, {
        stateMachineType: StateMachineType.STANDARD,
        comment: declaration.description,
        definitionBody: DefinitionBody.fromFile(file),
        definitionSubstitutions: substitutions,
        role,
        logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
        tracingEnabled: true,
      });
      Validations.of(role).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "Logging to CloudWatch Logs (logs:CreateLogDelivery and the other log delivery actions) " +
          "and X-Ray tracing (xray:PutTraceSegments) support no resource-level permissions; the " +
          "role invokes only the named task functions.",
      });
      for (const starter of declaration.startedBy) {
        const fn = props.functionOf(starter);
        machine.grantStartExecution(fn);
        fn.addEnvironment(stateMachineArnVariable(declaration.name), machine.stateMachineArn);
      }
      for (const stopper of declaration.stoppedBy ?? []) {
        const fn = props.functionOf(stopper);
        machine.grantExecution(fn, "states:StopExecution", "states:DescribeExecution");
        fn.addEnvironment(stateMachineArnVariable(declaration.name), machine.stateMachineArn);
        Validations.of(fn.executionRole).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${arnPrefixOf(Stack.of(this))}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${Stack.of(this).getLogicalId(machine.node.defaultChild as never)}"}]}]}:*]`,
          reason:
            "An execution's ARN is known only when it starts; the stopper may stop the " +
            `executions of the ${declaration.name} state machine and of no other.`,
        });
      }
      machines.set(declaration.name, machine);
      logGroups.set(declaration.name, logs);
    }
    this.stateMachines = machines;
    this.logGroups = logGroups;
  }
}
