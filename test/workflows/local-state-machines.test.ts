import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StateMachineDeclaration } from "#lib/wiring/state-machines";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "#local/dynamodb-local";
import type { FunctionInvoker, Invocation } from "#local/function-invoker";
import {
  type LocalStateMachines,
  StepFunctionsError,
  startLocalStateMachines,
} from "#local/state-machines";
import { type StepFunctionsServer, startStepFunctionsServer } from "#local/step-functions-server";
import { createTestTable, type TestTable } from "#test/support/dynamodb";

/**
 * The local Step Functions: a test state machine (fixtures/count-down.asl.json) whose one Task
 * calls a function through a scripted invoker, against a real table in DynamoDB Local, so names,
 * statuses and restarts are what the runtime really keeps.
 */

const countDown: StateMachineDeclaration = {
  name: "count-down",
  description: "Counts down through a Task",
  definition: "test/workflows/fixtures/count-down.asl.json",
  type: "STANDARD",
  taskFunctions: { TickFunctionArn: "nurtureSteps" },
  startedBy: ["nurtureStarter"],
};

interface TickInput {
  readonly count: number;
  readonly waitSeconds: number;
  readonly execution: string;
}

/** What the Task's function does, per execution name: count down, throw, or hold until told. */
type Behaviour = "count" | { readonly throws: string } | { readonly hold: Promise<void> };

const scriptedInvoker = () => {
  const behaviours = new Map<string, Behaviour>();
  const calls: { name: string; input: TickInput }[] = [];
  const invoker: FunctionInvoker = {
    async invoke(name, event): Promise<Invocation> {
      const input = event as TickInput;
      calls.push({ name, input });
      const behaviour = behaviours.get(input.execution) ?? "count";
      if (typeof behaviour === "object" && "throws" in behaviour) {
        const error = new Error(`${behaviour.throws} on purpose`);
        error.name = behaviour.throws;
        return { outcome: "failed", error, coldStart: false };
      }
      if (typeof behaviour === "object") await behaviour.hold;
      return {
        outcome: "returned",
        result: { count: input.count - 1, waitSeconds: input.waitSeconds, ignored: undefined },
        coldStart: false,
      };
    },
  };
  const callsOf = (execution: string) => calls.filter((c) => c.input.execution === execution);
  return { invoker, behaviours, calls, callsOf };
};

const held = () => {
  let release: () => void = () => {};
  const hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { hold, release };
};

let sequence = 0;
const uniqueName = (label: string) => `${label}-${Date.now()}-${sequence++}`;

let table: TestTable;
const script = scriptedInvoker();
let machines: LocalStateMachines;
let arn: string;

const start = (name: string, input: object) =>
  machines.startExecution({ stateMachineArn: arn, name, input: JSON.stringify(input) });

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
};

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const startMachines = () =>
  startLocalStateMachines({
    declarations: [countDown],
    invoker: script.invoker,
    dynamodb: table.client,
    tableName: table.tableName,
    region: LOCAL_REGION,
  });

beforeAll(async () => {
  table = await createTestTable("sfn");
  machines = await startMachines();
  arn = machines.arns.get("count-down") ?? "";
});

afterAll(async () => {
  await machines.stop();
});

describe("local state machines", () => {
  it("give each declared state machine an ARN-shaped local ARN", () => {
    expect(arn).toBe("arn:aws:states:us-east-1:000000000000:stateMachine:crm-local-count-down");
  });

  it("run an execution through its Tasks, Choice and Wait to success, passing JSON both ways", async () => {
    const name = uniqueName("run");
    const started = await start(name, { count: 2, waitSeconds: 0 });
    expect(started.executionArn).toBe(
      `arn:aws:states:us-east-1:000000000000:execution:crm-local-count-down:${name}`,
    );
    const done = await machines.waitForExecution(started.executionArn);
    expect(done.status).toBe("SUCCEEDED");
    expect(JSON.parse(done.output ?? "null")).toEqual({ count: 0, waitSeconds: 0 });
    expect(done.stopDate?.getTime()).toBeGreaterThanOrEqual(done.startDate.getTime());
    // The declared function, with the Parameters the state built (the context object included).
    expect(script.callsOf(name)).toEqual([
      { name: "nurtureSteps", input: { count: 2, waitSeconds: 0, execution: name } },
      { name: "nurtureSteps", input: { count: 1, waitSeconds: 0, execution: name } },
    ]);
  });

  it("keep a name for one execution: a repeat of a running one's input is that execution, anything else is refused", async () => {
    const name = uniqueName("name");
    const { hold, release } = held();
    script.behaviours.set(name, { hold });
    const input = { count: 1, waitSeconds: 0 };
    const first = await start(name, input);
    await until(() => script.callsOf(name).length === 1);

    const repeat = await start(name, input);
    expect(repeat).toEqual(first);
    const other = await rejection(start(name, { count: 5, waitSeconds: 0 }));
    expect(other).toBeInstanceOf(StepFunctionsError);
    expect(other).toMatchObject({ type: "ExecutionAlreadyExists" });

    release();
    expect((await machines.waitForExecution(first.executionArn)).status).toBe("SUCCEEDED");
    expect(await rejection(start(name, input))).toMatchObject({ type: "ExecutionAlreadyExists" });
    expect(script.callsOf(name)).toHaveLength(1);
  });

  it("fail an execution with the function's error name once the Retry policy gives up", async () => {
    const name = uniqueName("flaky");
    script.behaviours.set(name, { throws: "Flaky" });
    const { executionArn } = await start(name, { count: 3, waitSeconds: 0 });
    const done = await machines.waitForExecution(executionArn, 10_000);
    expect(done.status).toBe("FAILED");
    expect(done.error).toBe("Flaky");
    expect(JSON.parse(done.cause ?? "{}")).toEqual({
      errorType: "Flaky",
      errorMessage: "Flaky on purpose",
    });
    // The first attempt and the two retries the policy allows.
    expect(script.callsOf(name)).toHaveLength(3);
  });

  it("fail at once on an error the Retry policy does not name", async () => {
    const name = uniqueName("broken");
    script.behaviours.set(name, { throws: "DomainError" });
    const { executionArn } = await start(name, { count: 3, waitSeconds: 0 });
    const done = await machines.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: "FAILED", error: "DomainError" });
    expect(script.callsOf(name)).toHaveLength(1);
  });

  it("stop a running execution: ABORTED, and nothing runs after the state in flight", async () => {
    const name = uniqueName("stop");
    const { executionArn } = await start(name, { count: 5, waitSeconds: 30 });
    await until(() => script.callsOf(name).length === 1);
    const { stopDate } = await machines.stopExecution(executionArn, { cause: "not needed" });
    const stopped = await machines.describeExecution(executionArn);
    expect(stopped).toMatchObject({ status: "ABORTED", cause: "not needed" });
    expect(stopped.stopDate).toEqual(stopDate);
    // Stopping again changes nothing.
    await machines.stopExecution(executionArn);
    expect((await machines.describeExecution(executionArn)).status).toBe("ABORTED");
    expect(script.callsOf(name)).toHaveLength(1);
  });

  it("refuse what Step Functions refuses: unknown machines and executions, bad names, bad input", async () => {
    expect(
      await rejection(machines.startExecution({ stateMachineArn: `${arn}-nope`, name: "x" })),
    ).toMatchObject({ type: "StateMachineDoesNotExist" });
    expect(
      await rejection(
        machines.describeExecution(`${arn.replace("stateMachine", "execution")}:nobody`),
      ),
    ).toMatchObject({ type: "ExecutionDoesNotExist" });
    expect(await rejection(machines.describeExecution("not-an-arn"))).toMatchObject({
      type: "InvalidArn",
    });
    for (const name of ["has space", "a/b", "x".repeat(81), ""]) {
      expect(await rejection(start(name, {})), name).toMatchObject({ type: "InvalidName" });
    }
    expect(
      await rejection(machines.startExecution({ stateMachineArn: arn, name: "bad", input: "{" })),
    ).toMatchObject({ type: "InvalidExecutionInput" });
  });

  it("resume running executions after a restart, from their first state, and keep their names taken", async () => {
    const name = uniqueName("restart");
    const { hold, release } = held();
    script.behaviours.set(name, { hold });
    const input = { count: 1, waitSeconds: 0 };
    const { executionArn } = await start(name, input);
    await until(() => script.callsOf(name).length === 1);

    // The runtime stops with the Task in flight: it waits for it, and leaves the execution RUNNING.
    const stopping = machines.stop();
    release();
    await stopping;
    expect((await machines.describeExecution(executionArn)).status).toBe("RUNNING");
    expect(script.callsOf(name)).toHaveLength(1);

    script.behaviours.delete(name);
    machines = await startMachines();
    const done = await machines.waitForExecution(executionArn);
    expect(done.status).toBe("SUCCEEDED");
    expect(script.callsOf(name).map((call) => call.input.count)).toEqual([1, 1]);
    expect(await rejection(start(name, { count: 9, waitSeconds: 0 }))).toMatchObject({
      type: "ExecutionAlreadyExists",
    });
  });

  it("refuse to start with a definition that does not validate", async () => {
    await expect(
      startLocalStateMachines({
        declarations: [
          { ...countDown, name: "broken", definition: "test/workflows/fixtures/broken.asl.json" },
        ],
        invoker: script.invoker,
        dynamodb: table.client,
        tableName: table.tableName,
        region: LOCAL_REGION,
      }),
    ).rejects.toThrow(/definition is invalid/);
    await expect(
      startLocalStateMachines({
        declarations: [{ ...countDown, taskFunctions: { OtherFunctionArn: "nurtureSteps" } }],
        invoker: script.invoker,
        dynamodb: table.client,
        tableName: table.tableName,
        region: LOCAL_REGION,
      }),
    ).rejects.toThrow(/TickFunctionArn/);
  });
});

describe("the local Step Functions endpoint, through the AWS SDK", () => {
  let server: StepFunctionsServer;
  let client: SFNClient;
  beforeAll(async () => {
    server = await startStepFunctionsServer(machines);
    client = new SFNClient({
      endpoint: server.url,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it("starts, describes and stops executions as Step Functions does", async () => {
    const name = uniqueName("sdk");
    const input = JSON.stringify({ count: 3, waitSeconds: 30 });
    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name, input }),
    );
    expect(started.executionArn).toMatch(/:execution:crm-local-count-down:sdk-/);
    expect(started.startDate).toBeInstanceOf(Date);

    const described = await client.send(
      new DescribeExecutionCommand({ executionArn: started.executionArn }),
    );
    expect(described).toMatchObject({ name, status: "RUNNING", input, stateMachineArn: arn });

    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: "{}" })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    const stopped = await client.send(
      new StopExecutionCommand({ executionArn: started.executionArn, cause: "test" }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const after = await client.send(
      new DescribeExecutionCommand({ executionArn: started.executionArn }),
    );
    expect(after).toMatchObject({ status: "ABORTED", cause: "test" });
  });

  it("answers with the SDK's exception types", async () => {
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: `${arn}x`, name: "n" })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      client.send(
        new DescribeExecutionCommand({
          executionArn: `${arn.replace(":stateMachine:", ":execution:")}:missing`,
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it("serves the starter helper unchanged: a duplicate start is a success that starts nothing", async () => {
    process.env.STEPFUNCTIONS_ENDPOINT = server.url;
    process.env.COUNT_DOWN_STATE_MACHINE_ARN = arn;
    const { startNamedExecution, stopNamedExecution, executionNameOf } = await import(
      "#lib/workflows/executions"
    );
    const name = executionNameOf("helper", uniqueName("x"));
    const first = await startNamedExecution("count-down", name, { count: 0, waitSeconds: 0 });
    expect(first.started).toBe(true);
    await machines.waitForExecution(first.executionArn);
    const again = await startNamedExecution("count-down", name, { count: 0, waitSeconds: 0 });
    expect(again).toEqual({ started: false, executionArn: first.executionArn });
    expect(await stopNamedExecution("count-down", name, "done anyway")).toEqual({ stopped: true });
    expect(await stopNamedExecution("count-down", "never-started", "x")).toEqual({
      stopped: false,
    });
    expect(script.callsOf(name)).toHaveLength(1);
  });

  it("refuses operations it does not implement, and malformed requests", async () => {
    const post = (target: string, body: string) =>
      fetch(server.url, {
        method: "POST",
        headers: { "x-amz-target": target, "content-type": "application/x-amz-json-1.0" },
        body,
      });
    const unknown = await post("AWSStepFunctions.ListExecutions", "{}");
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: "UnknownOperationException" });
    const notJson = await post("AWSStepFunctions.StartExecution", "{");
    expect(await notJson.json()).toMatchObject({ __type: "SerializationException" });
    const missing = await post("AWSStepFunctions.DescribeExecution", "{}");
    expect(await missing.json()).toMatchObject({ __type: "ValidationException" });
  });
});
