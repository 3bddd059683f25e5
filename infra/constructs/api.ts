import { Duration, type RemovalPolicy, Stack } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  CorsHttpMethod,
  type CorsPreflightOptions,
  HttpApi,
  HttpMethod,
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
import type { CorsConfig, ThrottlingConfig } from "#infra/config/customer-config";
import type { JwtTrust } from "#infra/constructs/auth";
import type { HttpMethod as DeclaredMethod, RouteDeclaration } from "#lib/http/route";
import type { FunctionName } from "#lib/wiring/functions";

export interface CrmApiProps {
  /** Exactly the routes to create; nothing else is routed. */
  readonly routes: readonly RouteDeclaration[];
  readonly functionOf: (name: FunctionName) => IFunction;
  readonly jwt: JwtTrust;
  readonly throttling: ThrottlingConfig;
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

const corsPreflightOf = (cors: CorsConfig): CorsPreflightOptions => ({
  allowOrigins: [...cors.allowOrigins],
  allowMethods: [CorsHttpMethod.ANY],
  allowHeaders: ["authorization", "content-type", "idempotency-key", "if-match"],
  exposeHeaders: ["etag", "location"],
  maxAge: Duration.seconds(cors.maxAgeSeconds),
});

/**
 * The HTTP API: exactly the declared routes, each behind the JWT authorizer and integrated with
 * its declared function (one integration per function, shared by its routes), served from the
 * `$default` stage with JSON access logs and the customer's throttling.
 */
export class CrmApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: CrmApiProps) {
    super(scope, id);
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
      ...(props.cors ? { corsPreflight: corsPreflightOf(props.cors) } : {}),
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
        integration = new HttpLambdaIntegration(`${name}Integration`, props.functionOf(name));
        integrations.set(name, integration);
      }
      return integration;
    };

    for (const route of props.routes) {
      // The operation id names the construct, so a route keeps its logical id when the
      // declarations are reordered.
      new HttpRoute(this, route.operationId, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, methodOf[route.method]),
        integration: integrationOf(route.function),
        authorizer,
      });
    }
  }

  /** The invoke URL of the `$default` stage. */
  get url(): string {
    return this.stage.url;
  }
}
