import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { stateMachineArnVariable } from "#lib/wiring/state-machines";

/**
 * Starting and stopping executions of a declared state machine, the same code in AWS and in the
 * local runtime: `STEPFUNCTIONS_ENDPOINT` points the client at the local runtime's Step Functions
 * endpoint (local/step-functions-server.ts); in AWS it is unset. The state machine's ARN comes
 * from the environment variable the wiring names (`stateMachineArnVariable`), which the CDK sets
 * on each function the declaration lists in `startedBy` or `stoppedBy`.
 */
let client: SFNClient | undefined;

/**
 * Created on first use, so that importing this module costs a function no init time, and reads
 * its settings then (a test may import this before the local runtime sets them).
 */
const sfn = (): SFNClient => {
  const endpoint = process.env.STEPFUNCTIONS_ENDPOINT;
  client ??= new SFNClient({
    ...(endpoint
      ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : {}),
    region: process.env.AWS_REGION ?? "us-east-1",
    maxAttempts: 3,
  });
  return client;
};

export const stateMachineArnOf = (stateMachine: string): string => {
  const variable = stateMachineArnVariable(stateMachine);
  const arn = process.env[variable];
  if (!arn)
    throw new Error(`${variable} is not set: is this function in the state machine's startedBy?`);
  return arn;
};

/**
 * `arn:aws:states:<region>:<account>:stateMachine:<machine>` + name ->
 * `arn:aws:states:<region>:<account>:execution:<machine>:<name>`: an execution's ARN is known
 * from its name, so a stopper needs to store nothing.
 */
export const executionArnOf = (stateMachineArn: string, name: string): string => {
  const marker = ":stateMachine:";
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new Error(`Not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${name}`;
};

/** Step Functions' rule for names: 1-80 characters, none of whitespace, `<>{}[]?*"#%\^|~\`$&,;:/`. */
const NAME_PATTERN = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

/** Whether Step Functions accepts `name` as an execution name (the local runtime checks it too). */
export const isExecutionName = (name: string): boolean => NAME_PATTERN.test(name);

/**
 * The execution name for one record: `<prefix>-<id>`. One record, one name: Step Functions refuses
 * a second execution under a name for 90 days, which is what makes a duplicate trigger harmless.
 */
export const executionNameOf = (prefix: string, id: string): string => {
  const name = `${prefix}-${id}`;
  if (!isExecutionName(name)) {
    throw new Error(`"${name}" is not a valid Step Functions execution name`);
  }
  return name;
};

export interface StartOutcome {
  /**
   * False when Step Functions refused the name (ExecutionAlreadyExists). A repeat of a running
   * execution's name with the very same input is answered with that execution instead, so true
   * does not prove that a second execution began: none did.
   */
  readonly started: boolean;
  readonly executionArn: string;
}

/**
 * Starts an execution under an idempotent name. A duplicate start, with the same or another
 * input, whether the first execution is running or finished, starts nothing and is a success:
 * the trigger was handled the first time.
 */
export const startNamedExecution = async (
  stateMachine: string,
  name: string,
  input: unknown,
): Promise<StartOutcome> => {
  const stateMachineArn = stateMachineArnOf(stateMachine);
  try {
    const output = await sfn().send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    const executionArn = output.executionArn ?? executionArnOf(stateMachineArn, name);
    return { started: true, executionArn };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) {
      return { started: false, executionArn: executionArnOf(stateMachineArn, name) };
    }
    throw error;
  }
};

/**
 * Stops a named execution. Stopping one that has finished or never existed is a success: the
 * caller wants it not running, and it is not.
 */
export const stopNamedExecution = async (
  stateMachine: string,
  name: string,
  cause: string,
): Promise<{ readonly stopped: boolean }> => {
  const executionArn = executionArnOf(stateMachineArnOf(stateMachine), name);
  try {
    await sfn().send(new StopExecutionCommand({ executionArn, cause }));
    return { stopped: true };
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return { stopped: false };
    throw error;
  }
};
