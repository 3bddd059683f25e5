import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { type AuthConfig, type CustomerConfig, stackNameOf } from "#infra/config/customer-config";
import { CrmApi } from "#infra/constructs/api";
import { ApiFunctions } from "#infra/constructs/api-functions";
import { CrmAuth, type CrmAuthProps, type JwtTrust } from "#infra/constructs/auth";
import { CrmData } from "#infra/constructs/data";
import { CrmEventBus, EventRules } from "#infra/constructs/events";
import { CrmSchedules } from "#infra/constructs/schedules";
import { functions, routes, rules, schedules } from "#lib/wiring/index";

/** Who issues the API's tokens: the customer's OIDC provider, or a user pool in this stack. */
const identityOf = (
  scope: Construct,
  auth: AuthConfig,
  props: CrmAuthProps,
): { readonly auth: CrmAuth | undefined; readonly jwt: JwtTrust } => {
  if (auth.kind === "oidc") {
    return { auth: undefined, jwt: { issuer: auth.issuer, audience: auth.audience } };
  }
  const cognito = new CrmAuth(scope, "Auth", props);
  return { auth: cognito, jwt: cognito.jwt };
};

export interface CrmStackProps extends Omit<StackProps, "env" | "stackName"> {
  readonly config: CustomerConfig;
}

/**
 * One customer's CRM. The stack only composes the feature constructs from the wiring
 * declaration and the customer's configuration; each construct owns its own concern.
 */
export class CrmStack extends Stack {
  readonly data: CrmData;
  readonly auth: CrmAuth | undefined;
  readonly events: CrmEventBus;
  readonly functions: ApiFunctions;
  readonly rules: EventRules;
  readonly api: CrmApi;
  readonly schedules: CrmSchedules;

  constructor(scope: Construct, id: string, props: CrmStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description: `Serverless CRM for customer ${config.customer}`,
      terminationProtection: config.deletionProtection,
      ...stackProps,
      stackName: stackNameOf(config),
      env: { account: config.account, region: config.region },
    });
    Tags.of(this).add("crm:customer", config.customer);

    const removalPolicy =
      config.removalPolicy === "destroy" ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const retained = { removalPolicy, deletionProtection: config.deletionProtection };

    this.data = new CrmData(this, "Data", retained);
    const identity = identityOf(this, config.auth, retained);
    this.auth = identity.auth;

    this.events = new CrmEventBus(this, "Events", { config: config.events });
    this.functions = new ApiFunctions(this, "Functions", {
      declarations: functions,
      table: this.data,
      streamTable: this.data.table,
      bus: this.events.bus,
      rolesClaim: config.rolesClaim,
      logRetention: config.logRetentionDays,
      removalPolicy,
    });
    // The event feed's retention is per customer; the feed's recorder and reader both need it.
    for (const name of ["eventFeed", "eventFeedRecorder"] as const) {
      this.functions
        .get(name)
        .addEnvironment("FEED_RETENTION_DAYS", String(config.events.feedRetentionDays));
    }
    this.rules = new EventRules(this, "Rules", {
      bus: this.events.bus,
      declarations: rules,
      functionOf: (name) => this.functions.get(name),
    });
    this.api = new CrmApi(this, "Api", {
      routes,
      functionOf: (name) => this.functions.get(name),
      jwt: identity.jwt,
      throttling: config.throttling,
      logRetention: config.logRetentionDays,
      removalPolicy,
      cors: config.cors,
    });
    this.schedules = new CrmSchedules(this, "Schedules", {
      declarations: schedules,
      functionOf: (name) => this.functions.get(name),
    });

    new CfnOutput(this, "ApiUrl", { value: this.api.url, description: "Base URL of the API" });
    new CfnOutput(this, "TableName", { value: this.data.tableName });
    new CfnOutput(this, "EventBusName", {
      value: this.events.bus.eventBusName,
      description: "The bus of the CRM's domain events (source crm)",
    });
    new CfnOutput(this, "SchemaRegistryName", { value: this.events.registry.attrRegistryName });
    if (this.auth) {
      new CfnOutput(this, "UserPoolId", { value: this.auth.userPool.userPoolId });
      new CfnOutput(this, "UserPoolClientId", { value: this.auth.client.userPoolClientId });
    }
  }
}
