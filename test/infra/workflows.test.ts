import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CrmFunction } from "#infra/constructs/crm-function";
import { CrmWorkflows } from "#infra/constructs/workflows";
import { projectRoot } from "#infra/project-root";
import { NURTURING_CONFIG_VARIABLE, nurturingConfigSchema } from "#lib/nurturing/config";
import { type FunctionName, functions } from "#lib/wiring/functions";
import {
  type StateMachineDeclaration,
  stateMachineArnVariable,
  stateMachines,
} from "#lib/wiring/state-machines";
import { actionsOf, type Statement, statementsOfFunction } from "#test/infra/iam-statements";
import { exampleConfig, exampleWith, type Synthesized, synthesize } from "#test/infra/synthesize";
import { logicalIdOf, referencedId, resourcesOf } from "#test/infra/template-resources";

const stateMachine = z.looseObject({
  StateMachineType: z.string(),
  DefinitionS3Location: z.looseObject({ Bucket: z.unknown(), Key: z.string() }),
  DefinitionSubstitutions: z.record(z.string(), z.unknown()),
  RoleArn: z.unknown(),
  TracingConfiguration: z.object({ Enabled: z.boolean() }),
  LoggingConfiguration: z.looseObject({
    Level: z.string(),
    IncludeExecutionData: z.boolean(),
    Destinations: z.array(
      z.object({ CloudWatchLogsLogGroup: z.object({ LogGroupArn: z.unknown() }) }),
    ),
  }),
});
const policy = z.looseObject({
  PolicyDocument: z.object({
    Statement: z.array(
      z.looseObject({ Effect: z.string(), Action: z.unknown(), Resource: z.unknown() }),
    ),
  }),
  Roles: z.array(z.unknown()),
});
const lambdaFunction = z.looseObject({
  Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
});
const logGroup = z.looseObject({
  RetentionInDays: z.number(),
  LogGroupName: z.unknown().optional(),
});

describe("the state machines", () => {
  let synthesized: Synthesized;
  const config = exampleConfig();
  beforeAll(() => {
    synthesized = synthesize(config);
  });

  const machineOf = (name: string) => {
    const construct = synthesized.stack.workflows.stateMachines.get(name);
    if (!construct) throw new Error(`no state machine ${name}`);
    const id = logicalIdOf(construct);
    const found = resourcesOf(
      synthesized.template,
      "AWS::StepFunctions::StateMachine",
      stateMachine,
    ).find((resource) => resource.logicalId === id);
    if (!found) throw new Error(`no resource for ${name}`);
    return found;
  };
  const functionId = (name: FunctionName) => logicalIdOf(synthesized.stack.functions.get(name));
  const variablesOf = (name: FunctionName) =>
    resourcesOf(synthesized.template, "AWS::Lambda::Function", lambdaFunction).find(
      (fn) => fn.logicalId === functionId(name),
    )?.properties.Environment.Variables;

  it("exist once per declaration and no more", () => {
    expect(
      resourcesOf(synthesized.template, "AWS::StepFunctions::StateMachine", stateMachine),
    ).toHaveLength(stateMachines.length);
  });

  it.each(stateMachines.map((d) => [d.name, d] as const))(
    "%s: Standard, its ASL file with every placeholder resolved to its declared function",
    (_name, declaration) => {
      const { properties } = machineOf(declaration.name);
      expect(properties.StateMachineType).toBe("STANDARD");
      expect(properties.DefinitionS3Location.Key).toMatch(/\.json$/);
      expect(Object.keys(properties.DefinitionSubstitutions).sort()).toEqual(
        Object.keys(declaration.taskFunctions).sort(),
      );
      for (const [placeholder, fn] of Object.entries(declaration.taskFunctions)) {
        expect(properties.DefinitionSubstitutions[placeholder]).toEqual({
          "Fn::GetAtt": [functionId(fn), "Arn"],
        });
      }
      // The definition deployed is the file itself, byte for byte: the one the local runtime runs.
      const staged = join(
        synthesized.app.synth().directory,
        `asset.${properties.DefinitionS3Location.Key}`,
      );
      expect(readFileSync(staged, "utf8")).toBe(
        readFileSync(join(projectRoot, declaration.definition), "utf8"),
      );
    },
  );

  it.each(stateMachines.map((d) => [d.name, d] as const))(
    "%s: every execution event logged without execution data, and X-Ray tracing on",
    (_name, declaration) => {
      const { properties } = machineOf(declaration.name);
      expect(properties.TracingConfiguration.Enabled).toBe(true);
      expect(properties.LoggingConfiguration.Level).toBe("ALL");
      expect(properties.LoggingConfiguration.IncludeExecutionData).toBe(false);
      const logs = synthesized.stack.workflows.logGroups.get(declaration.name);
      expect(logs).toBeDefined();
      if (!logs) return;
      expect(
        referencedId(
          properties.LoggingConfiguration.Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn,
        ),
      ).toBe(logicalIdOf(logs));
      const group = resourcesOf(synthesized.template, "AWS::Logs::LogGroup", logGroup).find(
        (resource) => resource.logicalId === logicalIdOf(logs),
      );
      expect(group?.properties.RetentionInDays).toBe(config.logRetentionDays);
      expect(JSON.stringify(group?.properties.LogGroupName)).toContain("/aws/vendedlogs/states/");
    },
  );

  it.each(stateMachines.map((d) => [d.name, d] as const))(
    "%s: its role invokes exactly its task functions, with no version wildcard",
    (_name, declaration) => {
      const { properties } = machineOf(declaration.name);
      const roleId = referencedId(properties.RoleArn);
      const statements = resourcesOf(synthesized.template, "AWS::IAM::Policy", policy)
        .filter((p) => p.properties.Roles.some((role) => referencedId(role) === roleId))
        .flatMap((p) => p.properties.PolicyDocument.Statement as Statement[]);
      const invoke = statements.filter((s) => actionsOf(s).includes("lambda:InvokeFunction"));
      expect(invoke).toHaveLength(1);
      const expected = [...new Set(Object.values(declaration.taskFunctions))].map((fn) => ({
        "Fn::GetAtt": [functionId(fn), "Arn"],
      }));
      const resources = invoke[0]?.Resource;
      expect(Array.isArray(resources) ? resources : [resources]).toEqual(expected);
      // Nothing else the role may do on Lambda.
      expect(statements.flatMap(actionsOf).filter((a) => a.startsWith("lambda:"))).toEqual([
        "lambda:InvokeFunction",
      ]);
    },
  );

  it.each(stateMachines.flatMap((d) => d.startedBy.map((fn) => [d.name, fn, d] as const)))(
    "%s: %s may start executions and finds the ARN in its environment",
    (_n, fn, declaration) => {
      const machineId = machineOf(declaration.name).logicalId;
      expect(variablesOf(fn)?.[stateMachineArnVariable(declaration.name)]).toEqual({
        Ref: machineId,
      });
      const start = statementsOfFunction(synthesized.template, functionId(fn)).filter((s) =>
        actionsOf(s).includes("states:StartExecution"),
      );
      expect(start.flatMap(actionsOf)).toEqual(["states:StartExecution"]);
      expect(start[0]?.Resource).toEqual({ Ref: machineId });
      // Starting is all it may do on the machine itself; stopping is on its executions.
      const states = statementsOfFunction(synthesized.template, functionId(fn))
        .flatMap(actionsOf)
        .filter((a) => a.startsWith("states:"));
      expect(states.sort()).toEqual(
        (declaration.stoppedBy ?? []).includes(fn)
          ? ["states:DescribeExecution", "states:StartExecution", "states:StopExecution"]
          : ["states:StartExecution"],
      );
    },
  );

  it.each(stateMachines.flatMap((d) => (d.stoppedBy ?? []).map((fn) => [d.name, fn, d] as const)))(
    "%s: %s may stop and describe its executions only",
    (_n, fn, declaration) => {
      const machineId = machineOf(declaration.name).logicalId;
      expect(variablesOf(fn)?.[stateMachineArnVariable(declaration.name)]).toEqual({
        Ref: machineId,
      });
      const stop = statementsOfFunction(synthesized.template, functionId(fn)).filter((s) =>
        actionsOf(s).includes("states:StopExecution"),
      );
      expect(stop.flatMap(actionsOf).sort()).toEqual([
        "states:DescribeExecution",
        "states:StopExecution",
      ]);
      expect(JSON.stringify(stop[0]?.Resource)).toContain(`"Ref":"${machineId}"`);
      expect(JSON.stringify(stop[0]?.Resource)).toContain(":execution:");
    },
  );

  it("gives the nurturing starter the customer's nurturing configuration", () => {
    const custom = {
      sources: ["referral"],
      steps: [{ waitSeconds: 60, touch: "hello" }],
      qualificationThreshold: 30,
    };
    const other = synthesize(exampleWith({ nurturing: custom }));
    const id = logicalIdOf(other.stack.functions.get("nurtureStarter"));
    const variables = resourcesOf(other.template, "AWS::Lambda::Function", lambdaFunction).find(
      (resource) => resource.logicalId === id,
    )?.properties.Environment.Variables;
    expect(JSON.parse(String(variables?.[NURTURING_CONFIG_VARIABLE]))).toEqual(custom);
    // The example customer gets the defaults, which are valid.
    expect(
      nurturingConfigSchema.parse(
        JSON.parse(String(variablesOf("nurtureStarter")?.[NURTURING_CONFIG_VARIABLE])),
      ),
    ).toEqual(config.nurturing);
  });

  it("refuses a configuration with an unknown source or no steps", () => {
    expect(() =>
      exampleWith({ nurturing: { ...config.nurturing, sources: ["carrier-pigeon"] } }),
    ).toThrow(/nurturing\.sources/);
    expect(() => exampleWith({ nurturing: { ...config.nurturing, steps: [] } })).toThrow(
      /nurturing\.steps/,
    );
  });
});

/**
 * The construct on its own, with a declaration that also stops executions (issue 6's ticket
 * escalation will): stop rights on this machine's executions only, and cdk-nag satisfied.
 */
describe("a state machine with stoppers", () => {
  const declaration: StateMachineDeclaration = {
    name: "count-down",
    description: "test",
    definition: "test/workflows/fixtures/count-down.asl.json",
    type: "STANDARD",
    taskFunctions: { TickFunctionArn: "nurtureSteps" },
    startedBy: ["nurtureStarter"],
    stoppedBy: ["openapi"],
  };
  let app: App;
  let stack: Stack;
  let workflows: CrmWorkflows;
  let assembly: ReturnType<App["synth"]>;
  const built = new Map<FunctionName, CrmFunction>();
  beforeAll(() => {
    app = new App({
      context: { "aws:cdk:bundling-stacks": [] },
      builtinCloudFormationValidation: false,
    });
    stack = new Stack(app, "Workflows");
    for (const name of ["nurtureSteps", "nurtureStarter", "openapi"] as const) {
      built.set(
        name,
        new CrmFunction(stack, name, {
          entry: functions[name].entry,
          description: name,
          rolesClaim: "cognito:groups",
          logRetention: RetentionDays.ONE_DAY,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      );
    }
    workflows = new CrmWorkflows(stack, "Workflows", {
      declarations: [declaration],
      functionOf: (name) => {
        const fn = built.get(name);
        if (!fn) throw new Error(name);
        return fn;
      },
      logRetention: RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // Fails here on any cdk-nag error nobody acknowledged.
    assembly = app.synth();
  });

  it("lets a stopper stop and describe this machine's executions, and nothing more", () => {
    const template = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const fnId = stack.getLogicalId(built.get("openapi")?.node.defaultChild as never);
    const roleId = referencedId(template.Resources[fnId]?.Properties.Role);
    const statements = Object.values(template.Resources)
      .filter((r) => r.Type === "AWS::IAM::Policy")
      .map((r) => policy.parse(r.Properties))
      .filter((p) => p.Roles.some((role) => referencedId(role) === roleId))
      .flatMap((p) => p.PolicyDocument.Statement as Statement[])
      .filter((s) => actionsOf(s).some((a) => a.startsWith("states:")));
    expect(statements.flatMap(actionsOf).sort()).toEqual([
      "states:DescribeExecution",
      "states:StopExecution",
    ]);
    const machine = workflows.stateMachines.get("count-down");
    const machineId = machine ? stack.getLogicalId(machine.node.defaultChild as never) : "";
    expect(JSON.stringify(statements[0]?.Resource)).toContain(`"Ref":"${machineId}"`);
    expect(JSON.stringify(statements[0]?.Resource)).toContain(":execution:");
  });

  it("passes cdk-nag with its acknowledgements", () => {
    const file = join(assembly.directory, "validation-report.json");
    const report = existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as {
          pluginReports: { violations: { ruleName: string; severity: string }[] }[];
        })
      : { pluginReports: [] };
    expect(
      report.pluginReports.flatMap((plugin) =>
        plugin.violations.filter((v) => v.severity === "error").map((v) => v.ruleName),
      ),
    ).toEqual([]);
  });

  it("refuses a declaration that disagrees with its file", () => {
    const other = new Stack(new App(), "Other");
    expect(
      () =>
        new CrmWorkflows(other, "Workflows", {
          declarations: [{ ...declaration, taskFunctions: { Wrong: "nurtureSteps" } }],
          functionOf: () => {
            throw new Error("not reached");
          },
          logRetention: RetentionDays.ONE_DAY,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
    ).toThrow(/State machine count-down: placeholder \$\{TickFunctionArn\} maps no function/);
  });
});
