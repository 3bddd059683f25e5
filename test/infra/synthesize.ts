import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { z } from "zod";
import type { CustomerConfig } from "#infra/config/customer-config";
import { loadCustomerConfig, parseCustomerConfig } from "#infra/config/load-customer-config";
import { composeCrmApp } from "#infra/crm-app";
import { projectRoot } from "#infra/project-root";
import type { CrmStack } from "#infra/stacks/crm-stack";

/** The feature flags of `cdk.json`, so that the tests synthesize what `cdk synth` does. */
const cdkContext = z
  .object({ context: z.record(z.string(), z.unknown()) })
  .parse(JSON.parse(readFileSync(join(projectRoot, "cdk.json"), "utf8"))).context;

export const exampleConfig = (): CustomerConfig => loadCustomerConfig("example");

/** The example customer with some settings changed, validated like a real file. */
export const exampleWith = (changes: Record<string, unknown>): CustomerConfig =>
  parseCustomerConfig({ ...exampleConfig(), ...changes }, "test configuration");

export interface Synthesized {
  readonly app: App;
  readonly stack: CrmStack;
  readonly template: Template;
}

export interface BuildOptions {
  /**
   * Synthesize exactly as `cdk synth` does: esbuild bundling and the CDK's built-in
   * CloudFormation validation. Without it both are skipped (bundling through the CDK's own
   * `aws:cdk:bundling-stacks` context, as `cdk deploy <another stack>` does), which keeps the
   * assertion tests fast. cdk-nag runs either way.
   */
  readonly full?: boolean;
}

/** The app for one customer, cdk-nag included, not yet synthesized. */
export const buildApp = (
  config: CustomerConfig = exampleConfig(),
  { full = false }: BuildOptions = {},
): { readonly app: App; readonly stack: CrmStack } => {
  const app = new App({
    context: { ...cdkContext, ...(full ? {} : { "aws:cdk:bundling-stacks": [] }) },
    builtinCloudFormationValidation: full,
  });
  return { app, stack: composeCrmApp(app, config) };
};

/** Builds and synthesizes the app (running cdk-nag), and returns the stack's template. */
export const synthesize = (
  config: CustomerConfig = exampleConfig(),
  options: BuildOptions = {},
): Synthesized => {
  const { app, stack } = buildApp(config, options);
  return { app, stack, template: Template.fromStack(stack) };
};
