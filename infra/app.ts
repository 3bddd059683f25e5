import { App } from "aws-cdk-lib";
import { CustomerConfigError, loadCustomerConfig } from "#infra/config/load-customer-config";
import { composeCrmApp } from "#infra/crm-app";

/** The CDK app: `cdk synth -c customer=<name>` builds the stack of that customer. */
const app = new App();
try {
  composeCrmApp(app, loadCustomerConfig(app.node.tryGetContext("customer")));
  app.synth();
} catch (error) {
  // A configuration mistake is the operator's to fix: say what is wrong, not where it threw.
  if (!(error instanceof CustomerConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
