import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { eventCatalogue } from "#events/catalogue";
import { schemaFileOf } from "#events/json-schema";
import { projectRoot } from "#infra/project-root";
import { type FunctionName, functions } from "#lib/wiring/functions";
import { rules } from "#lib/wiring/rules";
import { schedules } from "#lib/wiring/schedules";
import { actionsOf, statementsOfFunction } from "#test/infra/iam-statements";
import { exampleWith, type Synthesized, synthesize } from "#test/infra/synthesize";
import { logicalIdOf, referencedId, resourcesOf } from "#test/infra/template-resources";

const busSchema = z.looseObject({ Name: z.unknown() });
const archiveSchema = z.looseObject({
  SourceArn: z.unknown(),
  RetentionDays: z.number().optional(),
  EventPattern: z.unknown(),
});
const schemaSchema = z.looseObject({
  RegistryName: z.unknown(),
  SchemaName: z.string(),
  Type: z.string(),
  Content: z.string(),
});
const ruleSchema = z.looseObject({
  EventBusName: z.unknown(),
  EventPattern: z.record(z.string(), z.unknown()),
  Description: z.string().optional(),
  Targets: z.array(
    z.looseObject({
      Arn: z.unknown(),
      DeadLetterConfig: z.object({ Arn: z.unknown() }).optional(),
      RetryPolicy: z
        .object({ MaximumEventAgeInSeconds: z.number(), MaximumRetryAttempts: z.number() })
        .optional(),
    }),
  ),
});
const queueSchema = z.looseObject({ SqsManagedSseEnabled: z.boolean().optional() });
const queuePolicySchema = z.looseObject({
  Queues: z.array(z.unknown()),
  PolicyDocument: z.object({
    Statement: z.array(z.looseObject({ Effect: z.string(), Condition: z.unknown().optional() })),
  }),
});
const mappingSchema = z.looseObject({
  FunctionName: z.unknown(),
  EventSourceArn: z.unknown(),
  StartingPosition: z.string(),
  BisectBatchOnFunctionError: z.boolean(),
  MaximumRetryAttempts: z.number(),
  MaximumRecordAgeInSeconds: z.number(),
  FunctionResponseTypes: z.array(z.string()),
  ParallelizationFactor: z.number().optional(),
  DestinationConfig: z.object({ OnFailure: z.object({ Destination: z.unknown() }) }),
});

const names = Object.keys(functions) as FunctionName[];

describe("the event bus, its archive and its schema registry", () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize();
  });

  it("is one custom bus with a generated name, archived with the default retention", () => {
    const [bus, ...others] = resourcesOf(synthesized.template, "AWS::Events::EventBus", busSchema);
    expect(others).toEqual([]);
    // The CDK generates it from the stack and construct path (EventBridge requires a name), so
    // two customers' stacks in one account never collide.
    expect(bus?.properties.Name).toMatch(/^CrmexampleEventsBus[0-9A-F]{8}$/);
    const archives = resourcesOf(synthesized.template, "AWS::Events::Archive", archiveSchema);
    expect(archives).toHaveLength(1);
    expect(referencedId(archives[0]?.properties.SourceArn)).toBe(bus?.logicalId);
    expect(archives[0]?.properties.RetentionDays).toBe(30);
    expect(archives[0]?.properties.EventPattern).toEqual({ source: ["crm"] });
  });

  it("keeps the archive as long as the customer's configuration says", () => {
    const custom = synthesize(exampleWith({ events: { archiveRetentionDays: 90 } }));
    const [archive] = resourcesOf(custom.template, "AWS::Events::Archive", archiveSchema);
    expect(archive?.properties.RetentionDays).toBe(90);
  });

  it("registers exactly the catalogue's JSON Schemas, draft 4, as committed, in a nested stack", () => {
    // The schemas are most of the template's bytes: they live in a nested stack of their own.
    synthesized.template.resourceCountIs("AWS::EventSchemas::Schema", 0);
    synthesized.template.resourceCountIs("AWS::CloudFormation::Stack", 1);
    const catalogue = Template.fromStack(synthesized.stack.events.catalogue);
    const schemas = resourcesOf(catalogue, "AWS::EventSchemas::Schema", schemaSchema);
    catalogue.resourceCountIs("AWS::EventSchemas::Registry", 1);
    expect(schemas.map((s) => s.properties.SchemaName).sort()).toEqual(
      eventCatalogue.map((definition) => `crm@${definition.detailType}`).sort(),
    );
    for (const schema of schemas) {
      const detailType = schema.properties.SchemaName.replace(/^crm@/, "");
      expect(schema.properties.Type).toBe("JSONSchemaDraft4");
      expect(JSON.parse(schema.properties.Content)).toEqual(
        JSON.parse(readFileSync(join(projectRoot, schemaFileOf(detailType)), "utf8")),
      );
    }
  });
});

describe("asynchronous invocations of event-driven functions", () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize();
  });

  const invokeConfigSchema = z.object({
    FunctionName: z.unknown(),
    MaximumRetryAttempts: z.number(),
    MaximumEventAgeInSeconds: z.number(),
    DestinationConfig: z.object({
      OnFailure: z.object({ Destination: z.unknown() }),
    }),
  });

  it("sends every rule and schedule target's failed invocations to one queue", () => {
    const configs = resourcesOf(
      synthesized.template,
      "AWS::Lambda::EventInvokeConfig",
      invokeConfigSchema,
    );
    const targets = new Set([...rules, ...schedules].map(({ target }) => target.function));
    expect(configs.map((c) => referencedId(c.properties.FunctionName)).sort()).toEqual(
      [...targets].map((name) => logicalIdOf(synthesized.stack.functions.get(name))).sort(),
    );
    const queueId = logicalIdOf(synthesized.stack.asyncFailures.queue);
    for (const config of configs) {
      expect(config.properties.MaximumRetryAttempts).toBe(2);
      expect(config.properties.MaximumEventAgeInSeconds).toBe(6 * 3600);
      expect(referencedId(config.properties.DestinationConfig.OnFailure.Destination)).toBe(queueId);
    }
  });
});

describe("the rules", () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize();
  });

  const ruleResources = () =>
    resourcesOf(synthesized.template, "AWS::Events::Rule", ruleSchema).filter(
      // Only rules on the CRM bus: other constructs' rules (none today) are not declarations.
      (rule) => rule.properties.EventBusName !== undefined,
    );

  it("are exactly the declarations, both ways, with the declared patterns verbatim", () => {
    const busId = logicalIdOf(synthesized.stack.events.bus);
    const built = ruleResources();
    expect(built).toHaveLength(rules.length);
    for (const declaration of rules) {
      const id = logicalIdOf(
        synthesized.stack.rules.rules.get(declaration.name) ?? synthesized.stack,
      );
      const rule = built.find((resource) => resource.logicalId === id);
      expect(rule, declaration.name).toBeDefined();
      expect(referencedId(rule?.properties.EventBusName)).toBe(busId);
      expect(rule?.properties.EventPattern).toEqual(declaration.pattern);
      const target = rule?.properties.Targets[0];
      expect(rule?.properties.Targets).toHaveLength(1);
      expect(referencedId(target?.Arn)).toBe(
        logicalIdOf(synthesized.stack.functions.get(declaration.target.function)),
      );
    }
    const declaredIds = rules.map((declaration) =>
      logicalIdOf(synthesized.stack.rules.rules.get(declaration.name) ?? synthesized.stack),
    );
    expect(built.map((rule) => rule.logicalId).sort()).toEqual(declaredIds.sort());
  });

  it("give every target a retry policy and an encrypted, TLS-only DLQ that only its rule may use", () => {
    const queues = resourcesOf(synthesized.template, "AWS::SQS::Queue", queueSchema);
    const policies = resourcesOf(synthesized.template, "AWS::SQS::QueuePolicy", queuePolicySchema);
    for (const rule of ruleResources()) {
      for (const target of rule.properties.Targets) {
        expect(target.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
        expect(target.RetryPolicy?.MaximumEventAgeInSeconds).toBeGreaterThan(0);
        const queueId = referencedId(target.DeadLetterConfig?.Arn);
        const queue = queues.find((q) => q.logicalId === queueId);
        expect(queue?.properties.SqsManagedSseEnabled).toBe(true);
        const statements = policies
          .filter((p) => p.properties.Queues.some((q) => referencedId(q) === queueId))
          .flatMap((p) => p.properties.PolicyDocument.Statement);
        expect(JSON.stringify(statements)).toContain("aws:SecureTransport");
        // EventBridge may send only on behalf of this rule.
        expect(JSON.stringify(statements)).toContain("aws:SourceArn");
      }
    }
  });
});

describe("the stream publisher", () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize();
  });

  it("reads the table's stream with partial batch responses, bisection, bounded retries and an on-failure queue", () => {
    const mappings = resourcesOf(
      synthesized.template,
      "AWS::Lambda::EventSourceMapping",
      mappingSchema,
    );
    const streamFunctions = names.filter((name) => "stream" in functions[name]);
    expect(mappings).toHaveLength(streamFunctions.length);
    const publisherId = logicalIdOf(synthesized.stack.functions.get("streamPublisher"));
    const mapping = mappings.find((m) => referencedId(m.properties.FunctionName) === publisherId);
    expect(mapping).toBeDefined();
    expect(referencedId(mapping?.properties.EventSourceArn)).toBe(
      logicalIdOf(synthesized.stack.data.table),
    );
    expect(mapping?.properties).toMatchObject({
      StartingPosition: "TRIM_HORIZON",
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ParallelizationFactor: 1,
    });
    expect(mapping?.properties.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(mapping?.properties.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(mapping?.properties.MaximumRecordAgeInSeconds).toBe(24 * 60 * 60);
    const failureQueue = synthesized.stack.functions.streamFailureQueues.get("streamPublisher");
    expect(referencedId(mapping?.properties.DestinationConfig.OnFailure.Destination)).toBe(
      failureQueue ? logicalIdOf(failureQueue) : "missing",
    );
  });

  it.each(names)("%s may put events on this bus only if it declares busAccess put", (name) => {
    const statements = statementsOfFunction(
      synthesized.template,
      logicalIdOf(synthesized.stack.functions.get(name)),
    );
    const puts = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("events:")));
    const declared = "busAccess" in functions[name] && functions[name].busAccess === "put";
    if (!declared) {
      expect(puts).toEqual([]);
      return;
    }
    expect(puts.flatMap(actionsOf)).toEqual(["events:PutEvents"]);
    expect(puts.map((s) => referencedId(s.Resource))).toEqual([
      logicalIdOf(synthesized.stack.events.bus),
    ]);
  });
});
