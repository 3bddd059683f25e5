import type { FunctionName } from "#lib/wiring/functions";

/**
 * Step Functions state machines. Each is an Amazon States Language file (`*.asl.json`) whose
 * Task states name their Lambda functions by `${Placeholder}`; `taskFunctions` says which
 * declared function each placeholder stands for. The CDK loads the file with
 * `DefinitionBody.fromFile` and substitutes the functions' ARNs (infra/constructs/workflows.ts);
 * the local runtime substitutes ARN-shaped strings and runs the same file with
 * `aws-local-stepfunctions`, invoking the same handlers (local/state-machines.ts). See
 * docs/workflows.md.
 *
 * Starting: a rule cannot name an execution, and names are what make a start idempotent, so a
 * small function consumes the trigger event and calls StartExecution with a name derived from the
 * record (`lib/workflows/executions.ts`). The functions in `startedBy` get that permission and the
 * state machine's ARN in their environment (`stateMachineArnVariable`).
 */
export interface StateMachineDeclaration {
  /** Stable, kebab-case: names the state machine's resources, its ARN variable and log lines. */
  readonly name: string;
  readonly description: string;
  /** The ASL file, relative to the project root. */
  readonly definition: string;
  /** Standard only: executions are durable, waits can last up to a year, and names are unique. */
  readonly type: "STANDARD";
  /** Placeholder in the ASL -> the function whose ARN replaces it. */
  readonly taskFunctions: Readonly<Record<string, FunctionName>>;
  /** Functions that start executions (StartExecution, and the ARN in their environment). */
  readonly startedBy: readonly FunctionName[];
  /** Functions that stop executions early (StopExecution and DescribeExecution on its executions). */
  readonly stoppedBy?: readonly FunctionName[];
}

export const stateMachines: readonly StateMachineDeclaration[] = [
  {
    name: "lead-nurturing",
    description:
      "Nurtures a new lead: configured waits and touches, re-scoring, hand-off to sales when qualified",
    definition: "lib/nurturing/lead-nurturing.asl.json",
    type: "STANDARD",
    taskFunctions: { NurtureStepsFunctionArn: "nurtureSteps" },
    startedBy: ["nurtureStarter"],
  },
  {
    name: "ticket-escalation",
    description:
      "A ticket's SLA timer: waits until the next warning or deadline, checks, warns, breaches and escalates once",
    definition: "lib/escalation/ticket-escalation.asl.json",
    type: "STANDARD",
    taskFunctions: { EscalationStepsFunctionArn: "escalationSteps" },
    // The timer moves by stopping the running execution and starting the next.
    startedBy: ["escalationTimers"],
    stoppedBy: ["escalationTimers"],
  },
];

/** `lead-nurturing` -> `LEAD_NURTURING_STATE_MACHINE_ARN`: where a starter finds the ARN. */
export const stateMachineArnVariable = (name: string): string =>
  `${name.toUpperCase().replace(/-/g, "_")}_STATE_MACHINE_ARN`;
