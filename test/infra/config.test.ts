import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { stackNameOf } from "#infra/config/customer-config";
import {
  CustomerConfigError,
  knownCustomers,
  loadCustomerConfig,
  parseCustomerConfig,
} from "#infra/config/load-customer-config";
import { exampleWith, type Synthesized, synthesize } from "#test/infra/synthesize";
import { resourcesOf } from "#test/infra/template-resources";

const minimal = { customer: "acme", region: "eu-central-1" };

const rejectionOf = (input: unknown): string => {
  try {
    parseCustomerConfig(input, "acme.json");
  } catch (error) {
    expect(error).toBeInstanceOf(CustomerConfigError);
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("the configuration was accepted");
};

/** A customers folder of its own, so file-level errors can be tested without touching infra/. */
const customersFolder = (files: Record<string, string>): string => {
  const directory = mkdtempSync(join(tmpdir(), "crm-customers-"));
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(directory, name), content);
  return directory;
};

describe("customer configuration", () => {
  it("fills in safe defaults around the required fields", () => {
    const config = parseCustomerConfig(minimal, "acme.json");
    expect(config).toMatchObject({
      customer: "acme",
      region: "eu-central-1",
      auth: { kind: "cognito" },
      rolesClaim: "cognito:groups",
      removalPolicy: "retain",
      deletionProtection: true,
    });
    expect(config.account).toBeUndefined();
    expect(config.cors).toBeUndefined();
    expect(stackNameOf(config)).toBe("Crm-acme");
  });

  it("ships an example customer that validates", () => {
    expect(knownCustomers()).toContain("example");
    expect(loadCustomerConfig("example").customer).toBe("example");
  });

  it.each([
    ["a missing region", { customer: "acme" }, "region"],
    ["a malformed account", { ...minimal, account: "12345" }, "account must be a 12-digit"],
    ["an unknown key", { ...minimal, tableName: "Contacts" }, "tableName"],
    ["an unknown auth kind", { ...minimal, auth: { kind: "saml" } }, "auth.kind"],
    [
      "an OIDC issuer over plain http",
      { ...minimal, auth: { kind: "oidc", issuer: "http://idp.example.com", audience: ["crm"] } },
      "issuer must be an https URL",
    ],
    [
      "an OIDC provider without an audience",
      { ...minimal, auth: { kind: "oidc", issuer: "https://idp.example.com", audience: [] } },
      "audience must list at least one",
    ],
    [
      "a retention CloudWatch does not offer",
      { ...minimal, logRetentionDays: 31 },
      "logRetentionDays",
    ],
    [
      "a negative rate limit",
      { ...minimal, throttling: { rateLimit: -1, burstLimit: 10 } },
      "throttling.rateLimit",
    ],
    [
      "destroy with deletion protection on",
      { ...minimal, removalPolicy: "destroy", deletionProtection: true },
      'removalPolicy "destroy" needs deletionProtection false',
    ],
  ])("rejects %s with a message that names the problem", (_, input, expected) => {
    const message = rejectionOf(input);
    expect(message).toContain("Invalid customer configuration in acme.json");
    expect(message).toContain(expected);
  });

  it("says how to select a customer, and which exist, when none is given", () => {
    expect(() => loadCustomerConfig(undefined)).toThrow(
      /-c customer=<name>.*Known customers: .*example/,
    );
  });

  it("names the known customers when the one asked for does not exist", () => {
    expect(() => loadCustomerConfig("nobody")).toThrow(
      /Unknown customer "nobody".*Known customers: .*example/,
    );
  });

  it("refuses a name that could reach outside the customers folder", () => {
    expect(() => loadCustomerConfig("../../package")).toThrow(CustomerConfigError);
  });

  it("reports a file that is not JSON, or that names another customer", () => {
    const directory = customersFolder({
      "README.md": "not a customer",
      "broken.json": "{ nope",
      "acme.json": JSON.stringify({ ...minimal, customer: "other" }),
    });
    expect(() => loadCustomerConfig("broken", directory)).toThrow(/broken\.json is not valid JSON/);
    expect(() => loadCustomerConfig("acme", directory)).toThrow(
      /declares customer "other".*"acme"/,
    );
    expect(knownCustomers(directory)).toEqual(["acme", "broken"]);
  });
});

describe("a customer with its own OIDC provider, CORS and no retention", () => {
  const issuer = "https://login.example.com/realms/crm";
  const audience = ["crm-api", "crm-cli"];
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize(
      exampleWith({
        auth: { kind: "oidc", issuer, audience },
        rolesClaim: "crm_roles",
        throttling: { rateLimit: 7, burstLimit: 9 },
        removalPolicy: "destroy",
        deletionProtection: false,
        cors: { allowOrigins: ["https://crm.example.com"] },
      }),
    );
  });

  it("trusts that issuer and audience on the authorizer, and builds no user pool", () => {
    synthesized.template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      JwtConfiguration: { Issuer: issuer, Audience: audience },
    });
    synthesized.template.resourceCountIs("AWS::Cognito::UserPool", 0);
    expect(Object.keys(synthesized.template.findOutputs("*")).sort()).toEqual([
      "ApiUrl",
      "EventBusName",
      "SchemaRegistryName",
      "TableName",
    ]);
  });

  it("tells the functions which claim carries the roles", () => {
    const functions = resourcesOf(
      synthesized.template,
      "AWS::Lambda::Function",
      z.looseObject({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }),
    );
    for (const fn of functions)
      expect(fn.properties.Environment.Variables.ROLES_CLAIM).toBe("crm_roles");
  });

  it("applies the throttling and answers CORS preflights for the configured origins only", () => {
    synthesized.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 },
    });
    synthesized.template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
      CorsConfiguration: { AllowOrigins: ["https://crm.example.com"] },
    });
  });

  it("lets the table and logs go with the stack, without deletion or termination protection", () => {
    const anything = z.looseObject({});
    const tables = resourcesOf(synthesized.template, "AWS::DynamoDB::GlobalTable", anything);
    expect(tables.map((table) => table.deletionPolicy)).toEqual(["Delete"]);
    synthesized.template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      Replicas: [
        {
          DeletionProtectionEnabled: false,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      ],
    });
    for (const group of resourcesOf(synthesized.template, "AWS::Logs::LogGroup", anything)) {
      expect(group.deletionPolicy, group.logicalId).toBe("Delete");
    }
    expect(synthesized.stack.terminationProtection).toBe(false);
  });
});
