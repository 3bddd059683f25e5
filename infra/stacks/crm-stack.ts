import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { type AuthConfig, type CustomerConfig, stackNameOf } from "#infra/config/customer-config";
import { CrmApi } from "#infra/constructs/api";
import { ApiFunctions } from "#infra/constructs/api-functions";
import { CrmAuth, type CrmAuthProps, type JwtTrust } from "#infra/constructs/auth";
import { CrmData } from "#infra/constructs/data";
import { AsyncInvokeFailures, CrmEventBus, EventRules } from "#infra/constructs/events";
import { CrmSchedules } from "#infra/constructs/schedules";
import { CrmWorkflows } from "#infra/constructs/workflows";
import { CSAT_CONFIG_VARIABLE } from "#lib/csat/config";
import { SALES_CURRENCIES_VARIABLE } from "#lib/deals/currencies";
import { SALES_FORECAST_VARIABLE } from "#lib/forecast/config";
import { CREATE_UNKNOWN_CONTACTS_VARIABLE } from "#lib/interactions/config";
import { REQUIRE_QUALIFIED_VARIABLE } from "#lib/lead-conversion/config";
import { NURTURING_CONFIG_VARIABLE } from "#lib/nurturing/config";
import { functions, routes, rules, schedules, stateMachines } from "#lib/wiring/index";

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
  readonly workflows: CrmWorkflows;
  readonly asyncFailures: AsyncInvokeFailures;

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
    // The currencies deals may be in (lib/deals/currencies.ts): the leads function creates deals
    // when it converts a lead, and the forecast converts amounts with the rates.
    for (const name of ["deals", "leads", "forecast"] as const) {
      this.functions
        .get(name)
        .addEnvironment(SALES_CURRENCIES_VARIABLE, JSON.stringify(config.sales.currencies));
    }
    // Which leads convert (lib/lead-conversion/config.ts) and the forecast's categories.
    this.functions
      .get("leads")
      .addEnvironment(REQUIRE_QUALIFIED_VARIABLE, String(config.sales.conversion.requireQualified));
    this.functions
      .get("forecast")
      .addEnvironment(SALES_FORECAST_VARIABLE, JSON.stringify(config.sales.forecast));
    // Whether integrations' interactions with unknown people create contacts (lib/interactions).
    this.functions
      .get("interactionIngest")
      .addEnvironment(
        CREATE_UNKNOWN_CONTACTS_VARIABLE,
        String(config.interactions.createUnknownContacts),
      );
    // The nurturing starter puts the customer's steps and threshold into each execution's input.
    this.functions
      .get("nurtureStarter")
      .addEnvironment(NURTURING_CONFIG_VARIABLE, JSON.stringify(config.nurturing));
    // How long a satisfaction survey can be answered, and its page (lib/csat/config.ts).
    this.functions.get("csat").addEnvironment(
      CSAT_CONFIG_VARIABLE,
      JSON.stringify({
        expiryDays: config.csat.expiryDays,
        ...(config.csat.surveyUrl ? { surveyUrl: config.csat.surveyUrl } : {}),
      }),
    );
    // The pages allowed to post the public web form (lib/leads/web-form-origin.ts).
    if (config.webForms.allowedOrigins) {
      this.functions
        .get("webForms")
        .addEnvironment("WEB_FORM_ALLOWED_ORIGINS", config.webForms.allowedOrigins.join(","));
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
      webForms: config.webForms,
      publicThrottling: { csat: config.csat },
      logRetention: config.logRetentionDays,
      removalPolicy,
      cors: config.cors,
    });
    this.schedules = new CrmSchedules(this, "Schedules", {
      declarations: schedules,
      functionOf: (name) => this.functions.get(name),
    });
    this.workflows = new CrmWorkflows(this, "Workflows", {
      declarations: stateMachines,
      functionOf: (name) => this.functions.get(name),
      logRetention: config.logRetentionDays,
      removalPolicy,
    });
    this.asyncFailures = new AsyncInvokeFailures(this, "AsyncFailures", {
      functions: [...rules, ...schedules].map(({ target }) => this.functions.get(target.function)),
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
