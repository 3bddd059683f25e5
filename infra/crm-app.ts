import { type App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { type CustomerConfig, stackNameOf } from "#infra/config/customer-config";
import { CrmStack } from "#infra/stacks/crm-stack";

/**
 * Adds one customer's stack to an app and puts cdk-nag's AWS Solutions rules into synthesis:
 * any error without an acknowledgement (`Validations.of(scope).acknowledge`) fails `cdk synth`.
 * The CDK app and the tests both build the app through here, so they check the same thing.
 *
 * cdk-nag 3 is a validation plugin; its Aspects style fails with "aspect.visit is not a function".
 */
export const composeCrmApp = (app: App, config: CustomerConfig): CrmStack => {
  const stack = new CrmStack(app, stackNameOf(config), { config });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
};
