import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FunctionDeclaration, type FunctionName, functions } from "#lib/wiring/functions";
import {
  actionsOf,
  dynamoActionsOf,
  READ_ACTIONS,
  READ_WRITE_ACTIONS,
  STREAM_READ_ACTIONS,
  statementsOfFunction,
} from "#test/infra/iam-statements";
import { exampleConfig, type Synthesized, synthesize } from "#test/infra/synthesize";
import { logicalIdOf, referencedId, resourcesOf } from "#test/infra/template-resources";

const lambdaFunction = z.looseObject({
  Runtime: z.string(),
  Architectures: z.array(z.string()),
  Handler: z.string(),
  TracingConfig: z.object({ Mode: z.string() }),
  LoggingConfig: z.object({ LogFormat: z.string(), LogGroup: z.unknown() }),
  Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
  Role: z.unknown(),
  FunctionName: z.string().optional(),
});
const logGroup = z.looseObject({
  RetentionInDays: z.number(),
  LogGroupName: z.unknown().optional(),
});
const role = z.looseObject({
  ManagedPolicyArns: z.unknown().optional(),
  RoleName: z.unknown().optional(),
});

const declaredNames = Object.keys(functions) as FunctionName[];

describe("the API functions", () => {
  let synthesized: Synthesized;
  const config = exampleConfig();
  beforeAll(() => {
    synthesized = synthesize(config);
  });

  const functionOf = (name: FunctionName) => {
    const id = logicalIdOf(synthesized.stack.functions.get(name));
    const found = resourcesOf(synthesized.template, "AWS::Lambda::Function", lambdaFunction).find(
      (resource) => resource.logicalId === id,
    );
    if (!found) throw new Error(`no function resource for ${name}`);
    return found.properties;
  };

  it("exist once per declaration and no more", () => {
    const all = resourcesOf(synthesized.template, "AWS::Lambda::Function", lambdaFunction);
    expect(all).toHaveLength(declaredNames.length);
    expect(all.every((fn) => fn.properties.FunctionName === undefined)).toBe(true);
  });

  it.each(declaredNames)("%s runs Node.js 24 on arm64 with active tracing", (name) => {
    const fn = functionOf(name);
    expect(fn.Runtime).toBe("nodejs24.x");
    expect(fn.Architectures).toEqual(["arm64"]);
    expect(fn.Handler).toBe("index.handler");
    expect(fn.TracingConfig).toEqual({ Mode: "Active" });
  });

  it.each(declaredNames)(
    "%s logs JSON into its own log group with the configured retention",
    (name) => {
      const fn = functionOf(name);
      expect(fn.LoggingConfig.LogFormat).toBe("JSON");
      const groupId = referencedId(fn.LoggingConfig.LogGroup);
      const group = resourcesOf(synthesized.template, "AWS::Logs::LogGroup", logGroup).find(
        (resource) => resource.logicalId === groupId,
      );
      expect(group?.properties.RetentionInDays).toBe(config.logRetentionDays);
      expect(group?.properties.LogGroupName).toBeUndefined();
    },
  );

  it.each(declaredNames)("%s gets the runtime environment it reads", (name) => {
    const variables = functionOf(name).Environment.Variables;
    expect(variables).toMatchObject({
      ROLES_CLAIM: config.rolesClaim,
      POWERTOOLS_SERVICE_NAME: "crm",
      NODE_OPTIONS: "--enable-source-maps",
    });
    // Only a function that may touch the table learns its name.
    expect("TABLE_NAME" in variables).toBe(functions[name].tableAccess !== "none");
  });

  it("use execution roles without AWS managed policies or fixed names", () => {
    const roles = resourcesOf(synthesized.template, "AWS::IAM::Role", role);
    const functionRoleIds = declaredNames.map((name) => referencedId(functionOf(name).Role));
    for (const id of functionRoleIds) {
      const found = roles.find((resource) => resource.logicalId === id);
      expect(found, `role ${id}`).toBeDefined();
      expect(found?.properties.ManagedPolicyArns).toBeUndefined();
      expect(found?.properties.RoleName).toBeUndefined();
    }
  });

  it.each(declaredNames)("%s may do exactly what its declared table access allows", (name) => {
    const statements = statementsOfFunction(
      synthesized.template,
      logicalIdOf(synthesized.stack.functions.get(name)),
    );
    const expected = { none: [], read: READ_ACTIONS, readWrite: READ_WRITE_ACTIONS };
    const declaration: FunctionDeclaration = functions[name];
    // A stream function also reads the table's stream (granted on the stream's ARN only).
    expect(dynamoActionsOf(statements)).toEqual(
      [
        ...expected[declaration.tableAccess],
        ...(declaration.stream ? STREAM_READ_ACTIONS : []),
      ].sort(),
    );
    // The one wildcard resource: X-Ray has no resource-level permissions.
    for (const statement of statements.filter((s) => s.Resource === "*")) {
      expect(actionsOf(statement).sort()).toEqual([
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
      ]);
    }
  });
});
