import { App, RemovalPolicy, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CrmFunction } from "#infra/constructs/crm-function";
import { CrmData } from "#infra/constructs/data";
import { functions, type TableAccess } from "#lib/wiring/functions";
import {
  actionsOf,
  dynamoActionsOf,
  READ_ACTIONS,
  READ_WRITE_ACTIONS,
  statementsOfFunction,
} from "#test/infra/iam-statements";
import { logicalIdOf, resourcesOf } from "#test/infra/template-resources";

/**
 * `bindTable` at each access level, on a stack of its own: the wiring declares no read-only
 * function yet, and the guarantee must hold before one appears.
 */
describe("bindTable grants least privilege", () => {
  let template: Template;
  const functionIds = new Map<TableAccess, string>();
  beforeAll(() => {
    const app = new App({
      context: { "aws:cdk:bundling-stacks": [] },
      builtinCloudFormationValidation: false,
    });
    const stack = new Stack(app, "BindTable");
    const data = new CrmData(stack, "Data", {
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
    });
    for (const access of ["none", "read", "readWrite"] as const) {
      const fn = new CrmFunction(stack, access, {
        entry: functions.contacts.entry,
        description: `table access ${access}`,
        rolesClaim: "cognito:groups",
        logRetention: RetentionDays.ONE_DAY,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      fn.bindTable(data, access);
      functionIds.set(access, logicalIdOf(fn));
    }
    template = Template.fromStack(stack);
  });

  const statementsFor = (access: TableAccess) =>
    statementsOfFunction(template, functionIds.get(access) ?? "");
  const variablesFor = (access: TableAccess) =>
    resourcesOf(
      template,
      "AWS::Lambda::Function",
      z.looseObject({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }),
    ).find((fn) => fn.logicalId === functionIds.get(access))?.properties.Environment.Variables;

  it("none: no DynamoDB action and no table name", () => {
    expect(dynamoActionsOf(statementsFor("none"))).toEqual([]);
    expect(variablesFor("none")).not.toHaveProperty("TABLE_NAME");
  });

  it("read: gets, batch gets and queries only; no write and no Scan", () => {
    expect(dynamoActionsOf(statementsFor("read"))).toEqual(READ_ACTIONS);
    expect(variablesFor("read")).toHaveProperty("TABLE_NAME");
  });

  it("readWrite: adds item writes and condition checks; still no Scan", () => {
    expect(dynamoActionsOf(statementsFor("readWrite"))).toEqual(READ_WRITE_ACTIONS);
    expect(variablesFor("readWrite")).toHaveProperty("TABLE_NAME");
  });

  it("names the table and each index instead of using a wildcard", () => {
    for (const access of ["read", "readWrite"] as const) {
      for (const statement of statementsFor(access)) {
        if (!actionsOf(statement).some((action) => action.startsWith("dynamodb:"))) continue;
        expect(JSON.stringify(statement.Resource)).not.toContain("*");
      }
    }
  });
});
