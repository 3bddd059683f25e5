import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { isPublicRoute, routeKey } from "#lib/http/route";
import { routes } from "#lib/wiring/routes";
import { exampleConfig, exampleWith, type Synthesized, synthesize } from "#test/infra/synthesize";
import { logicalIdOf, referencedId, resourcesOf } from "#test/infra/template-resources";

const routeSchema = z.looseObject({
  RouteKey: z.string(),
  AuthorizationType: z.string(),
  AuthorizerId: z.unknown().optional(),
  Target: z.object({
    "Fn::Join": z.tuple([z.literal(""), z.tuple([z.literal("integrations/"), z.unknown()])]),
  }),
});
const integrationSchema = z.looseObject({
  IntegrationType: z.string(),
  IntegrationUri: z.unknown(),
  PayloadFormatVersion: z.string(),
});
const authorizerSchema = z.looseObject({
  AuthorizerType: z.string(),
  IdentitySource: z.array(z.string()),
  JwtConfiguration: z.object({ Issuer: z.unknown(), Audience: z.array(z.unknown()) }),
});
const stageSchema = z.looseObject({
  StageName: z.string(),
  AutoDeploy: z.boolean(),
  AccessLogSettings: z.object({ DestinationArn: z.unknown(), Format: z.string() }),
  DefaultRouteSettings: z.object({
    ThrottlingRateLimit: z.number(),
    ThrottlingBurstLimit: z.number(),
  }),
  RouteSettings: z.unknown().optional(),
});
const apiSchema = z.looseObject({
  ProtocolType: z.string(),
  CorsConfiguration: z.unknown().optional(),
});
const logGroupSchema = z.looseObject({ RetentionInDays: z.number() });

describe("the HTTP API", () => {
  let synthesized: Synthesized;
  const config = exampleConfig();
  beforeAll(() => {
    synthesized = synthesize(config);
  });

  const routesInTemplate = () =>
    resourcesOf(synthesized.template, "AWS::ApiGatewayV2::Route", routeSchema);
  const onlyOne = <T>(items: readonly T[], what: string): T => {
    expect(items, what).toHaveLength(1);
    const [item] = items;
    if (item === undefined) throw new Error(`no ${what}`);
    return item;
  };

  it("has exactly the declared routes: no more, no fewer, no duplicates", () => {
    const keys = routesInTemplate().map((route) => route.properties.RouteKey);
    const declared = routes.map(routeKey);
    expect(new Set(keys)).toEqual(new Set(declared));
    expect(keys).toHaveLength(declared.length);
    expect(new Set(declared).size).toBe(declared.length);
  });

  it("sends every route to the integration of its declared function", () => {
    const integrations = resourcesOf(
      synthesized.template,
      "AWS::ApiGatewayV2::Integration",
      integrationSchema,
    );
    const functionIdOfIntegration = new Map(
      integrations.map((integration) => [
        integration.logicalId,
        referencedId(integration.properties.IntegrationUri),
      ]),
    );
    for (const route of routesInTemplate()) {
      const declaration = routes.find((r) => routeKey(r) === route.properties.RouteKey);
      if (!declaration) throw new Error(`undeclared route ${route.properties.RouteKey}`);
      const integrationId = referencedId(route.properties.Target["Fn::Join"][1][1]);
      expect(
        integrationId && functionIdOfIntegration.get(integrationId),
        `target of ${route.properties.RouteKey}`,
      ).toBe(logicalIdOf(synthesized.stack.functions.get(declaration.function)));
    }
  });

  it("has one Lambda proxy integration (payload 2.0) per routed function", () => {
    const integrations = resourcesOf(
      synthesized.template,
      "AWS::ApiGatewayV2::Integration",
      integrationSchema,
    );
    expect(integrations).toHaveLength(new Set(routes.map((route) => route.function)).size);
    for (const { properties } of integrations) {
      expect(properties.IntegrationType).toBe("AWS_PROXY");
      expect(properties.PayloadFormatVersion).toBe("2.0");
    }
  });

  it("puts the JWT authorizer on every route but the declared public ones", () => {
    const authorizer = onlyOne(
      resourcesOf(synthesized.template, "AWS::ApiGatewayV2::Authorizer", authorizerSchema),
      "authorizer",
    );
    expect(authorizer.properties.AuthorizerType).toBe("JWT");
    expect(authorizer.properties.IdentitySource).toEqual(["$request.header.Authorization"]);
    const publicKeys = new Set(routes.filter(isPublicRoute).map(routeKey));
    for (const route of routesInTemplate()) {
      const key = route.properties.RouteKey;
      if (publicKeys.has(key)) {
        expect(route.properties.AuthorizationType, key).toBe("NONE");
        expect(route.properties.AuthorizerId, key).toBeUndefined();
        continue;
      }
      expect(route.properties.AuthorizationType, key).toBe("JWT");
      expect(referencedId(route.properties.AuthorizerId), key).toBe(authorizer.logicalId);
    }
  });

  it("has exactly these public routes: the web-form capture and the satisfaction survey", () => {
    expect(routes.filter(isPublicRoute).map(routeKey)).toEqual([
      "POST /web-forms/leads",
      "GET /csat/{token}",
      "POST /csat/{token}",
    ]);
  });

  it("throttles the public route on its own, tighter than the stage", () => {
    const { properties } = onlyOne(
      resourcesOf(synthesized.template, "AWS::ApiGatewayV2::Stage", stageSchema),
      "stage",
    );
    const survey = {
      ThrottlingRateLimit: config.csat.rateLimit,
      ThrottlingBurstLimit: config.csat.burstLimit,
    };
    expect(properties.RouteSettings).toEqual({
      "POST /web-forms/leads": {
        ThrottlingRateLimit: config.webForms.rateLimit,
        ThrottlingBurstLimit: config.webForms.burstLimit,
      },
      "GET /csat/{token}": survey,
      "POST /csat/{token}": survey,
    });
    expect(config.webForms.rateLimit).toBeLessThan(config.throttling.rateLimit);
    expect(config.csat.rateLimit).toBeLessThan(config.throttling.rateLimit);
  });

  it("opens CORS to the web-form origins, and tells the function which origins it accepts", () => {
    const origins = ["https://www.acme.example", "https://acme.example"];
    const { template, stack } = synthesize(
      exampleWith({ webForms: { rateLimit: 2, burstLimit: 4, allowedOrigins: origins } }),
    );
    const { properties } = onlyOne(
      resourcesOf(template, "AWS::ApiGatewayV2::Api", apiSchema),
      "api",
    );
    expect(properties.CorsConfiguration).toMatchObject({ AllowOrigins: origins });
    const fn = template.toJSON().Resources[logicalIdOf(stack.functions.get("webForms"))];
    expect(fn.Properties.Environment.Variables.WEB_FORM_ALLOWED_ORIGINS).toBe(origins.join(","));
  });

  it("trusts the stack's user pool as issuer and its app client as audience", () => {
    const { properties } = onlyOne(
      resourcesOf(synthesized.template, "AWS::ApiGatewayV2::Authorizer", authorizerSchema),
      "authorizer",
    );
    const [poolId] = Object.keys(synthesized.template.findResources("AWS::Cognito::UserPool"));
    const [clientId] = Object.keys(
      synthesized.template.findResources("AWS::Cognito::UserPoolClient"),
    );
    expect(properties.JwtConfiguration.Issuer).toEqual({
      "Fn::Join": [
        "",
        [`https://cognito-idp.${config.region}.`, { Ref: "AWS::URLSuffix" }, "/", { Ref: poolId }],
      ],
    });
    expect(properties.JwtConfiguration.Audience).toEqual([{ Ref: clientId }]);
  });

  it("serves the $default stage with JSON access logs and the configured throttling", () => {
    const { properties } = onlyOne(
      resourcesOf(synthesized.template, "AWS::ApiGatewayV2::Stage", stageSchema),
      "stage",
    );
    expect(properties.StageName).toBe("$default");
    expect(properties.AutoDeploy).toBe(true);
    expect(properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: config.throttling.rateLimit,
      ThrottlingBurstLimit: config.throttling.burstLimit,
    });
    const format: unknown = JSON.parse(properties.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: "$context.requestId",
      routeKey: "$context.routeKey",
      status: "$context.status",
      authorizerError: "$context.authorizer.error",
    });
    const logGroupId = referencedId(properties.AccessLogSettings.DestinationArn);
    const logGroup = resourcesOf(synthesized.template, "AWS::Logs::LogGroup", logGroupSchema).find(
      (group) => group.logicalId === logGroupId,
    );
    expect(logGroup?.properties.RetentionInDays).toBe(config.logRetentionDays);
  });

  it("is an HTTP API without CORS unless configured", () => {
    const { properties } = onlyOne(
      resourcesOf(synthesized.template, "AWS::ApiGatewayV2::Api", apiSchema),
      "api",
    );
    expect(properties.ProtocolType).toBe("HTTP");
    expect(properties.CorsConfiguration).toBeUndefined();
  });

  it("outputs the API URL, table name, bus, schema registry, user pool id and client id", () => {
    expect(Object.keys(synthesized.template.findOutputs("*")).sort()).toEqual([
      "ApiUrl",
      "EventBusName",
      "SchemaRegistryName",
      "TableName",
      "UserPoolClientId",
      "UserPoolId",
    ]);
  });
});
