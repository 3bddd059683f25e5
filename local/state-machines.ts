import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from "aws-local-stepfunctions";
import type { StateMachineDeclaration } from "#lib/wiring/state-machines";
import { functionTasksOf, parseDefinition, substitute } from "#lib/workflows/asl";
import { declarationProblems } from "#lib/workflows/declaration-check";
import { executionArnOf, isExecutionName } from "#lib/workflows/executions";
import { LOCAL_ACCOUNT_ID } from "#local/api-gateway-event";
import { repoRoot } from "#local/data-dir";
import {
  createExecutionStore,
  type ExecutionRecord,
  type ExecutionStatus,
} from "#local/execution-store";
import type { FunctionInvoker, Invocation } from "#local/function-invoker";

/**
 * The local counterpart of Step Functions: each declared state machine (lib/wiring/
 * state-machines.ts) is the very ASL file the CDK deploys, with its `${...}` placeholders
 * replaced by ARN-shaped strings, run by `aws-local-stepfunctions`. Its Task states invoke the
 * declared functions through the runtime's function invoker, with the input and the result
 * passed as JSON, as Lambda would.
 *
 * Executions behave as in Step Functions where the CRM relies on it:
 * - names are unique per state machine: a second StartExecution under a name is refused with
 *   ExecutionAlreadyExists, unless it repeats a running execution's exact input, which returns
 *   that execution; the names are kept in the table, so this holds across a restart;
 * - StopExecution aborts a running execution (ABORTED), and the first close wins;
 * - a Task that fails fails with the function's error name (`errorType`) and a Lambda-style
 *   cause, so `Retry` and `Catch` match what they would match in AWS.
 *
 * A restart of the runtime interrupts running executions; they are resumed when it starts
 * again, from their first state, with their original input (Step Functions would have carried
 * on from where they were). Their Tasks must be idempotent anyway, since Step Functions retries
 * them, so a resumed execution repeats no effect; only its waits begin again.
 */

export interface LocalStateMachinesOptions {
  readonly declarations: readonly StateMachineDeclaration[];
  readonly invoker: FunctionInvoker;
  /** The table where executions are recorded (see local/execution-store.ts). */
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly region: string;
  /** Prefix of the local names of state machines and functions (`crm-local-`). */
  readonly namePrefix?: string;
  readonly log?: (line: string) => void;
  readonly logError?: (message: string, error: unknown) => void;
}

export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** A refusal Step Functions would answer with, by its exception name. */
export class StepFunctionsError extends Error {
  constructor(
    readonly type:
      | "ExecutionAlreadyExists"
      | "ExecutionDoesNotExist"
      | "StateMachineDoesNotExist"
      | "InvalidArn"
      | "InvalidName"
      | "InvalidExecutionInput"
      | "ValidationException",
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export interface LocalStateMachines {
  /** The local ARN of each declared state machine, by declared name. */
  readonly arns: ReadonlyMap<string, string>;
  startExecution(request: {
    readonly stateMachineArn: string;
    readonly name?: string;
    readonly input?: string;
  }): Promise<{ readonly executionArn: string; readonly startDate: Date }>;
  describeExecution(executionArn: string): Promise<ExecutionDescription>;
  stopExecution(
    executionArn: string,
    reason?: { readonly error?: string; readonly cause?: string },
  ): Promise<{ readonly stopDate: Date }>;
  /** Every execution of a declared state machine, in name order. */
  listExecutions(stateMachine: string): Promise<ExecutionDescription[]>;
  /** Resolves with the execution once it has closed; rejects after `timeoutMs`. */
  waitForExecution(executionArn: string, timeoutMs?: number): Promise<ExecutionDescription>;
  /** Interrupts the running executions (they stay RUNNING, to be resumed) and waits for tasks. */
  stop(): Promise<void>;
}

const MAX_INPUT_BYTES = 256 * 1024;

/** JSON as the library types it (it does not export the type itself). */
type JsonValue = Parameters<StateMachine["run"]>[0];
type TaskHandlers = NonNullable<NonNullable<RunOptions["overrides"]>["taskResourceLocalHandlers"]>;

interface LoadedMachine {
  readonly declaration: StateMachineDeclaration;
  readonly arn: string;
  readonly machine: StateMachine;
  readonly handlers: TaskHandlers;
}

interface Running {
  readonly abort: () => void;
  readonly done: Promise<void>;
}

const describe = (record: ExecutionRecord): ExecutionDescription => ({
  executionArn: record.executionArn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: new Date(record.startDate),
  ...(record.stopDate ? { stopDate: new Date(record.stopDate) } : {}),
  input: record.input,
  ...(record.output === undefined ? {} : { output: record.output }),
  ...(record.error === undefined ? {} : { error: record.error }),
  ...(record.cause === undefined ? {} : { cause: record.cause }),
});

/** As Step Functions reports a function's failure: its error type, and a Lambda-style cause. */
const taskErrorOf = (invocation: Invocation): Error => {
  if (invocation.outcome === "timed_out") {
    const error = new Error(
      JSON.stringify({
        errorType: "Sandbox.Timedout",
        errorMessage: `Task timed out after ${invocation.timeoutSeconds} seconds`,
      }),
    );
    error.name = "Sandbox.Timedout";
    return error;
  }
  const thrown = invocation.outcome === "failed" ? invocation.error : undefined;
  const errorType = thrown instanceof Error ? thrown.name : "Error";
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  const error = new Error(JSON.stringify({ errorType, errorMessage }));
  error.name = errorType;
  return error;
};

/** A value as it comes back from Lambda: serialized to JSON and parsed again. */
const asJson = (value: unknown): JsonValue =>
  value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);

export const startLocalStateMachines = async (
  options: LocalStateMachinesOptions,
): Promise<LocalStateMachines> => {
  const prefix = options.namePrefix ?? "crm-local-";
  const logError = options.logError ?? (() => {});
  const store = createExecutionStore(options.dynamodb, options.tableName);
  const functionArnOf = (fn: string) =>
    `arn:aws:lambda:${options.region}:${LOCAL_ACCOUNT_ID}:function:${prefix}${fn}`;
  const stateMachineArnOf = (name: string) =>
    `arn:aws:states:${options.region}:${LOCAL_ACCOUNT_ID}:stateMachine:${prefix}${name}`;
  const inFlightTasks = new Set<Promise<unknown>>();
  const running = new Map<string, Running>();
  let stopping = false;

  const invokeTask = async (fn: string, input: JsonValue): Promise<JsonValue> => {
    const invocation = options.invoker.invoke(fn, asJson(input));
    inFlightTasks.add(invocation);
    try {
      const outcome = await invocation;
      if (outcome.outcome !== "returned") throw taskErrorOf(outcome);
      return asJson(outcome.result);
    } finally {
      inFlightTasks.delete(invocation);
    }
  };

  const machines = new Map<string, LoadedMachine>();
  for (const declaration of options.declarations) {
    const file = resolve(repoRoot, declaration.definition);
    const text = await readFile(file, "utf8");
    const problems = declarationProblems(declaration, text);
    if (problems.length > 0) {
      throw new Error(`State machine ${declaration.name}: ${problems.join("; ")}`);
    }
    const arnToFunction = new Map<string, string>();
    const substitutions: Record<string, string> = {};
    for (const [placeholder, fn] of Object.entries(declaration.taskFunctions)) {
      substitutions[placeholder] = functionArnOf(fn);
      arnToFunction.set(functionArnOf(fn), fn);
    }
    const definition = parseDefinition(substitute(text, substitutions), declaration.definition);
    const handlers: TaskHandlers = {};
    for (const task of functionTasksOf(definition)) {
      const fn = arnToFunction.get(task.functionArn);
      // Possible even after the declaration check: a placeholder written with a JSON escape
      // (`\u0024{Fn}`) reads as `${Fn}` once parsed, so it passes, but substitution works on the
      // raw text and leaves it.
      if (!fn) {
        throw new Error(`State machine ${declaration.name}: ${task.stateName} has no function`);
      }
      handlers[task.stateName] = (input) => invokeTask(fn, input);
    }
    // The constructor validates the definition (asl-validator): a malformed file fails the
    // start, as it would fail the deployment.
    const machine = new StateMachine(definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    machines.set(declaration.name, {
      declaration,
      arn: stateMachineArnOf(declaration.name),
      machine,
      handlers,
    });
  }
  const byArn = new Map([...machines.values()].map((loaded) => [loaded.arn, loaded]));

  const run = (loaded: LoadedMachine, record: ExecutionRecord) => {
    const execution = loaded.machine.run(JSON.parse(record.input) as JsonValue, {
      overrides: { taskResourceLocalHandlers: loaded.handlers },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${prefix}${loaded.declaration.name}`,
        },
        StateMachine: { Id: loaded.arn, Name: `${prefix}${loaded.declaration.name}` },
      },
    });
    let aborted = false;
    // An aborted execution is closed by whoever aborted it (StopExecution), or stays RUNNING
    // when the runtime stops, to be resumed.
    const done = execution.result
      .then(
        async (output) => {
          if (aborted) return;
          await store.close(record, {
            status: "SUCCEEDED",
            stopDate: new Date().toISOString(),
            output: JSON.stringify(output),
          });
        },
        async (error: unknown) => {
          if (aborted) return;
          const cause =
            error instanceof Error && error.cause instanceof Error ? error.cause : error;
          const timedOut = error instanceof Error && error.name === "ExecutionTimeoutError";
          await store.close(record, {
            status: timedOut ? "TIMED_OUT" : "FAILED",
            stopDate: new Date().toISOString(),
            error: timedOut ? "States.Timeout" : cause instanceof Error ? cause.name : "Error",
            cause: cause instanceof Error ? cause.message : String(cause),
          });
          if (!timedOut) {
            logError(
              `State machine ${loaded.declaration.name}: execution ${record.name} failed`,
              cause,
            );
          }
        },
      )
      .catch((error: unknown) =>
        logError(
          `State machine ${loaded.declaration.name}: could not record ${record.name}`,
          error,
        ),
      )
      .finally(() => running.delete(record.executionArn));
    running.set(record.executionArn, {
      abort: () => {
        aborted = true;
        execution.abort();
      },
      done,
    });
  };

  const parseExecutionArn = (executionArn: string): { loaded: LoadedMachine; name: string } => {
    const match = /^arn:aws:states:([^:]+):([^:]+):execution:([^:]+):([^:]+)$/.exec(executionArn);
    if (!match) throw new StepFunctionsError("InvalidArn", `Invalid Arn: '${executionArn}'`);
    const [, region, account, machineName, name] = match;
    const loaded = byArn.get(
      `arn:aws:states:${region}:${account}:stateMachine:${machineName ?? ""}`,
    );
    if (!loaded || !name) {
      throw new StepFunctionsError(
        "ExecutionDoesNotExist",
        `Execution Does Not Exist: '${executionArn}'`,
      );
    }
    return { loaded, name };
  };

  const recordOf = async (executionArn: string): Promise<ExecutionRecord> => {
    const { loaded, name } = parseExecutionArn(executionArn);
    const record = await store.get(loaded.declaration.name, name);
    if (!record) {
      throw new StepFunctionsError(
        "ExecutionDoesNotExist",
        `Execution Does Not Exist: '${executionArn}'`,
      );
    }
    return record;
  };

  // Executions the previous run of the runtime left running go on from their first state.
  for (const loaded of machines.values()) {
    for (const record of await store.list(loaded.declaration.name)) {
      if (record.status !== "RUNNING") continue;
      run(loaded, record);
      options.log?.(`State machine ${loaded.declaration.name}: resumed execution ${record.name}`);
    }
  }
  for (const loaded of machines.values()) {
    options.log?.(`State machine ${loaded.declaration.name}: ${loaded.declaration.definition}`);
  }

  return {
    arns: new Map([...machines.values()].map((loaded) => [loaded.declaration.name, loaded.arn])),
    async startExecution(request) {
      const loaded = byArn.get(request.stateMachineArn);
      if (!loaded) {
        throw new StepFunctionsError(
          "StateMachineDoesNotExist",
          `State Machine Does Not Exist: '${request.stateMachineArn}'`,
        );
      }
      if (stopping) throw new Error("The local runtime is stopping");
      const name = request.name ?? crypto.randomUUID();
      if (!isExecutionName(name)) {
        throw new StepFunctionsError("InvalidName", `Invalid Name: '${name}'`);
      }
      const input = request.input ?? "{}";
      let parsed: unknown;
      try {
        parsed = JSON.parse(input);
      } catch {
        throw new StepFunctionsError(
          "InvalidExecutionInput",
          "Invalid State Machine Execution Input: not JSON",
        );
      }
      if (Buffer.byteLength(input) > MAX_INPUT_BYTES || parsed === undefined) {
        throw new StepFunctionsError("InvalidExecutionInput", "The input is over 256 KB");
      }
      const record: ExecutionRecord = {
        stateMachine: loaded.declaration.name,
        name,
        executionArn: executionArnOf(loaded.arn, name),
        stateMachineArn: loaded.arn,
        status: "RUNNING",
        input,
        startDate: new Date().toISOString(),
      };
      if (!(await store.create(record))) {
        const existing = await store.get(loaded.declaration.name, name);
        // Step Functions' idempotency: the same name and input while it runs is that execution.
        if (existing?.status === "RUNNING" && existing.input === input) {
          return { executionArn: existing.executionArn, startDate: new Date(existing.startDate) };
        }
        throw new StepFunctionsError(
          "ExecutionAlreadyExists",
          `Execution Already Exists: '${record.executionArn}'`,
        );
      }
      run(loaded, record);
      return { executionArn: record.executionArn, startDate: new Date(record.startDate) };
    },
    describeExecution: async (executionArn) => describe(await recordOf(executionArn)),
    async stopExecution(executionArn, reason = {}) {
      const record = await recordOf(executionArn);
      const stopDate = new Date();
      const closed = await store.close(record, {
        status: "ABORTED",
        stopDate: stopDate.toISOString(),
        ...(reason.error === undefined ? {} : { error: reason.error }),
        ...(reason.cause === undefined ? {} : { cause: reason.cause }),
      });
      running.get(executionArn)?.abort();
      return { stopDate: closed ? stopDate : new Date(record.stopDate ?? stopDate) };
    },
    async listExecutions(stateMachine) {
      return (await store.list(stateMachine)).map(describe);
    },
    async waitForExecution(executionArn, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const record = await recordOf(executionArn);
        if (record.status !== "RUNNING") return describe(record);
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(`Execution ${record.name} still running after ${timeoutMs} ms`);
        }
        // Closed in this process: its run settles. Closed elsewhere (a test's other runtime):
        // only the table says so, and is read again shortly.
        const inProcess = running.get(executionArn)?.done;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          ...(inProcess ? [inProcess] : []),
          new Promise((wake) => {
            timer = setTimeout(wake, inProcess ? left : Math.min(left, 100));
          }),
        ]);
        clearTimeout(timer);
      }
    },
    async stop() {
      stopping = true;
      const interrupted = [...running.values()];
      for (const execution of interrupted) execution.abort();
      await Promise.allSettled(interrupted.map((execution) => execution.done));
      while (inFlightTasks.size > 0) await Promise.allSettled([...inFlightTasks]);
    },
  };
};
