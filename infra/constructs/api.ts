import { Duration, type RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  type CfnStage,
  CorsHttpMethod,
  type CorsPreflightOptions,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { CorsConfig, ThrottlingConfig, WebFormsConfig } from "#infra/config/customer-config";
import type { JwtTrust } from "#infra/constructs/auth";
import {
  type HttpMethod as DeclaredMethod,
  isPublicRoute,
  type RouteDeclaration,
  routeKey,
} from "#lib/http/route";
import type { FunctionName } from "#lib/wiring/functions";

export interface CrmApiProps {
  /** Exactly the routes to create; nothing else is routed. */
  readonly routes: readonly RouteDeclaration[];
  readonly functionOf: (name: FunctionName) => IFunction;
  readonly jwt: JwtTrust;
  readonly throttling: ThrottlingConfig;
  /** The public routes' own, tighter throttling (and the origins allowed to post web forms). */
  readonly webForms: WebFormsConfig;
  /** A public route's own throttling, by the function serving it; `webForms`' otherwise. */
  readonly publicThrottling?: Readonly<
    Partial<Record<FunctionName, { readonly rateLimit: number; readonly burstLimit: number }>>
  >;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly cors?: CorsConfig | undefined;
}

const methodOf: Readonly<Record<DeclaredMethod, HttpMethod>> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
};

/**
 * One JSON object per request. HTTP APIs have their own `$context` variables (`routeKey`,
 * `integrationErrorMessage`, `authorizer.error`), so the REST API presets do not fit.
 * The caller appears by token subject only; no token content beyond `sub` is logged.
 */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: "$context.requestId",
    requestTime: "$context.requestTimeEpoch",
    sourceIp: "$context.identity.sourceIp",
    userAgent: "$context.identity.userAgent",
    method: "$context.httpMethod",
    routeKey: "$context.routeKey",
    path: "$context.path",
    protocol: "$context.protocol",
    status: "$context.status",
    responseLength: "$context.responseLength",
    responseLatency: "$context.responseLatency",
    integrationStatus: "$context.integrationStatus",
    integrationLatency: "$context.integrationLatency",
    integrationError: "$context.integrationErrorMessage",
    authorizerError: "$context.authorizer.error",
    sub: "$context.authorizer.claims.sub",
  }),
);

const corsPreflightOf = (
  origins: readonly string[],
  maxAgeSeconds: number,
): CorsPreflightOptions => ({
  allowOrigins: [...origins],
  allowMethods: [CorsHttpMethod.ANY],
  allowHeaders: ["authorization", "content-type", "idempotency-key", "if-match"],
  exposeHeaders: ["etag", "location"],
  maxAge: Duration.seconds(maxAgeSeconds),
});

/**
 * CORS covers the browser app's origins and the pages that post web forms. HTTP APIs have one
 * CORS configuration for all routes; that is harmless, because CORS only lets a browser read a
 * response and every route but the web form still needs a token.
 */
const corsOf = (cors: CorsConfig | undefined, webForms: WebFormsConfig) => {
  const origins = [...new Set([...(cors?.allowOrigins ?? []), ...(webForms.allowedOrigins ?? [])])];
  return origins.length > 0 ? corsPreflightOf(origins, cors?.maxAgeSeconds ?? 600) : undefined;
};

/**
 * The HTTP API: exactly the declared routes, each behind the JWT authorizer and integrated with
 * its declared function (one integration per function, shared by its routes), served from the
 * `$default` stage with JSON access logs and the customer's throttling. A public route
 * (`auth: "none"`, the web form) has no authorizer and its own tighter throttling.
 */
export class CrmApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: CrmApiProps) {
    super(scope, id);
    const cors = corsOf(props.cors, props.webForms);
    const authorizer = new HttpJwtAuthorizer("JwtAuthorizer", props.jwt.issuer, {
      jwtAudience: [...props.jwt.audience],
      identitySource: ["$request.header.Authorization"],
    });

    this.httpApi = new HttpApi(this, "HttpApi", {
      apiName: `${Stack.of(this).stackName}-api`,
      description: "CRM HTTP API",
      // The stage is created below, with access logs and throttling the default one lacks.
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
      // Preflight answers come from API Gateway itself, so CORS adds no route.
      ...(cors ? { corsPreflight: cors } : {}),
    });

    this.accessLogs = new LogGroup(this, "AccessLogs", {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stage = new HttpStage(this, "DefaultStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttling.rateLimit,
        burstLimit: props.throttling.burstLimit,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: accessLogFormat,
      },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationOf = (name: FunctionName) => {
      let integration = integrations.get(name);
      if (!integration) {
        // One invoke permission per function, for any route of this API, instead of one per
        // route: a permission is a CloudFormation resource, and a stack holds at most 500.
        integration = new HttpLambdaIntegration(`${name}Integration`, props.functionOf(name), {
          scopePermissionToRoute: false,
        });
        integrations.set(name, integration);
      }
      return integration;
    };

    // RouteSettings is untyped JSON in the L1, so it takes CloudFormation's own casing.
    const publicRouteSettings: Record<
      string,
      { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
    > = {};
    for (const route of props.routes) {
      // The operation id names the construct, so a route keeps its logical id when the
      // declarations are reordered.
      const isPublic = isPublicRoute(route);
      const httpRoute = new HttpRoute(this, route.operationId, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, methodOf[route.method]),
        integration: integrationOf(route.function),
        // The API's default is the JWT authorizer; a public route opts out explicitly.
        authorizer: isPublic ? new HttpNoneAuthorizer() : authorizer,
      });
      if (!isPublic) continue;
      Validations.of(httpRoute).acknowledge({
        id: "AwsSolutions-APIG4",
        reason:
          "The public routes are meant for anonymous callers, each with its own tighter throttling. " +
          "The web-form capture can only create a web_form lead and returns only its id, with a " +
          "strict schema, a honeypot and an optional Origin allow-list; the satisfaction survey " +
          "routes are opened by the survey's own unguessable token, answer once, and show only " +
          "the ticket's subject.",
      });
      const limits = props.publicThrottling?.[route.function] ?? props.webForms;
      publicRouteSettings[routeKey(route)] = {
        ThrottlingRateLimit: limits.rateLimit,
        ThrottlingBurstLimit: limits.burstLimit,
      };
      // Route settings name the route by key, which must exist before the stage refers to it.
      this.stage.node.addDependency(httpRoute);
    }
    if (Object.keys(publicRouteSettings).length > 0) {
      (this.stage.node.defaultChild as CfnStage).routeSettings = publicRouteSettings;
    }
  }

  /** The invoke URL of the `$default` stage. */
  get url(): string {
    return this.stage.url;
  }
}
