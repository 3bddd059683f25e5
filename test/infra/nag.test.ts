import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Validations } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { isPublicRoute } from "#lib/http/route";
import { functions } from "#lib/wiring/functions";
import { routes } from "#lib/wiring/routes";
import { stateMachines } from "#lib/wiring/state-machines";
import { buildApp, exampleConfig, type Synthesized, synthesize } from "#test/infra/synthesize";

const reportSchema = z.looseObject({
  pluginReports: z.array(
    z.looseObject({
      pluginName: z.string(),
      violations: z.array(z.looseObject({ ruleName: z.string(), severity: z.string() })),
    }),
  ),
});
const assetsSchema = z.looseObject({
  files: z.record(
    z.string(),
    z.looseObject({ source: z.looseObject({ path: z.string(), packaging: z.string() }) }),
  ),
});

/** Every acknowledgement in the app: where it is, which finding, and why. */
const acknowledgementsOf = (synthesized: Synthesized) =>
  synthesized.stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(z.record(z.string(), z.string()).parse(entry.data)).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );

describe("cdk-nag (AWS Solutions) during a real synthesis", () => {
  let synthesized: Synthesized;
  let assembly: CloudAssembly;
  beforeAll(() => {
    // Real esbuild bundling: this is the synthesis `npm run synth` performs.
    synthesized = synthesize(exampleConfig(), { full: true });
    assembly = synthesized.app.synth();
    // Bundles every function (about 40) with esbuild: a minute alone, more beside other tests.
  }, 360_000);

  it("reports no error that is not acknowledged", () => {
    const file = join(assembly.directory, "validation-report.json");
    const report = reportSchema.parse(
      existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : { pluginReports: [] },
    );
    const errors = report.pluginReports.flatMap((plugin) =>
      plugin.violations
        .filter((v) => v.severity === "error" || v.severity === "fatal")
        .map((v) => `${plugin.pluginName}: ${v.ruleName}`),
    );
    expect(errors).toEqual([]);
  });

  it("acknowledges only the X-Ray wildcard, once per function role, with a reason", () => {
    const acknowledgements = acknowledgementsOf(synthesized).filter(
      (acknowledgement) =>
        !acknowledgement.id.endsWith("AwsSolutions-SQS3") &&
        !acknowledgement.id.endsWith("AwsSolutions-APIG4") &&
        !acknowledgement.path.includes("/Workflows/") &&
        !acknowledgement.id.includes(":execution:"),
    );
    expect(acknowledgements).toHaveLength(Object.keys(functions).length);
    for (const acknowledgement of acknowledgements) {
      expect(acknowledgement.id).toMatch(/AwsSolutions-IAM5\[Resource::\*\]$/);
      expect(acknowledgement.path).toMatch(/\/Functions\/\w+Role$/);
      expect(acknowledgement.reason).toMatch(/xray:PutTraceSegments/);
    }
  });

  it("acknowledges the executions' wildcard only on the roles of the functions that stop them", () => {
    const executions = acknowledgementsOf(synthesized).filter((acknowledgement) =>
      acknowledgement.id.includes(":execution:"),
    );
    expect(executions.map((acknowledgement) => acknowledgement.path).sort()).toEqual(
      stateMachines
        .flatMap((declaration) => declaration.stoppedBy ?? [])
        .map((fn) => `${synthesized.stack.functions.get(fn).node.path}Role`)
        .sort(),
    );
    for (const acknowledgement of executions) {
      expect(acknowledgement.reason).toMatch(/may stop the executions of the [\w-]+ state machine/);
    }
  });

  it("acknowledges on each state machine's role only the log delivery and X-Ray wildcard", () => {
    const workflows = acknowledgementsOf(synthesized).filter((acknowledgement) =>
      acknowledgement.path.includes("/Workflows/"),
    );
    expect(workflows).toHaveLength(synthesized.stack.workflows.stateMachines.size);
    for (const acknowledgement of workflows) {
      expect(acknowledgement.id).toMatch(/AwsSolutions-IAM5\[Resource::\*\]$/);
      expect(acknowledgement.path).toMatch(/\/Workflows\/[\w-]+Role$/);
      expect(acknowledgement.reason).toMatch(/logs:CreateLogDelivery.*xray:PutTraceSegments/s);
    }
  });

  it("acknowledges APIG4 (no authorization) only on the public routes, with a reason", () => {
    const unauthorized = acknowledgementsOf(synthesized).filter((acknowledgement) =>
      acknowledgement.id.endsWith("AwsSolutions-APIG4"),
    );
    expect(unauthorized.map((acknowledgement) => acknowledgement.path)).toEqual(
      routes
        .filter(isPublicRoute)
        .map((route) => `${synthesized.stack.api.node.path}/${route.operationId}`),
    );
    for (const acknowledgement of unauthorized) {
      expect(acknowledgement.reason).toMatch(/anonymous.*throttling/s);
    }
  });

  it("acknowledges SQS3 only on dead-letter queues, saying they are the dead-letter destination", () => {
    const queues = acknowledgementsOf(synthesized).filter((acknowledgement) =>
      acknowledgement.id.endsWith("AwsSolutions-SQS3"),
    );
    for (const acknowledgement of queues) {
      expect(acknowledgement.path).toMatch(/(Dlq|StreamFailures)$/);
      expect(acknowledgement.reason).toMatch(/dead-letter/);
    }
  });

  it("bundles every function with esbuild into an ESM file with a source map", () => {
    const assetsFile = join(assembly.directory, `${synthesized.stack.artifactId}.assets.json`);
    const assets = assetsSchema.parse(JSON.parse(readFileSync(assetsFile, "utf8")));
    const codeAssets = Object.values(assets.files).filter(
      (asset) => asset.source.packaging === "zip",
    );
    expect(codeAssets).toHaveLength(Object.keys(functions).length);
    for (const asset of codeAssets) {
      const directory = join(assembly.directory, asset.source.path);
      expect(existsSync(join(directory, "index.mjs")), directory).toBe(true);
      expect(existsSync(join(directory, "index.mjs.map")), directory).toBe(true);
    }
  });

  it("fails the synthesis on a finding nobody acknowledged", () => {
    const unchecked = buildApp(exampleConfig());
    const role = new Role(unchecked.stack, "Unchecked", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
    });
    role.addToPolicy(new PolicyStatement({ actions: ["dynamodb:*"], resources: ["*"] }));
    expect(() => unchecked.app.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});
