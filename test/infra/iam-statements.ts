import type { Template } from "aws-cdk-lib/assertions";
import { z } from "zod";
import { referencedId, resourcesOf } from "#test/infra/template-resources";

const statementSchema = z.looseObject({
  Effect: z.string(),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.unknown(),
});
const policySchema = z.looseObject({
  PolicyDocument: z.object({ Statement: z.array(statementSchema) }),
  Roles: z.array(z.unknown()),
});
const functionSchema = z.looseObject({ Role: z.unknown() });

export type Statement = z.output<typeof statementSchema>;

/** The table actions each access level may have, and nothing more (no Scan, no wildcards). */
export const READ_ACTIONS = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"];
export const READ_WRITE_ACTIONS = [
  ...READ_ACTIONS,
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DeleteItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
].sort();

/** What Lambda's DynamoDB event source needs to read a stream. */
export const STREAM_READ_ACTIONS = [
  "dynamodb:DescribeStream",
  "dynamodb:GetRecords",
  "dynamodb:GetShardIterator",
  "dynamodb:ListStreams",
];

export const actionsOf = (statement: Statement): string[] =>
  typeof statement.Action === "string" ? [statement.Action] : statement.Action;

/** Every statement of the policies attached to the execution role of one function. */
export const statementsOfFunction = (template: Template, functionId: string): Statement[] => {
  const fn = resourcesOf(template, "AWS::Lambda::Function", functionSchema).find(
    (resource) => resource.logicalId === functionId,
  );
  const roleId = referencedId(fn?.properties.Role);
  if (!roleId) throw new Error(`function ${functionId} has no role`);
  return resourcesOf(template, "AWS::IAM::Policy", policySchema)
    .filter((policy) => policy.properties.Roles.some((role) => referencedId(role) === roleId))
    .flatMap((policy) => policy.properties.PolicyDocument.Statement);
};

/** The distinct DynamoDB actions among some statements, sorted. */
export const dynamoActionsOf = (statements: readonly Statement[]): string[] =>
  [...new Set(statements.flatMap(actionsOf).filter((a) => a.startsWith("dynamodb:")))].sort();
