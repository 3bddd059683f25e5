import { join } from "node:path";
import { Duration, type RemovalPolicy, Validations } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, LoggingFormat, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { LogLevel, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { lambdaBundling } from "#infra/bundling";
import type { CrmTable } from "#infra/constructs/data";
import { projectRoot } from "#infra/project-root";
import type { TableAccess } from "#lib/wiring/functions";

export interface CrmFunctionProps {
  /** The module that exports `handler`, relative to the project root. */
  readonly entry: string;
  readonly description: string;
  /** The token claim the handler reads roles from (`ROLES_CLAIM`). */
  readonly rolesClaim: string;
  readonly logRetention: RetentionDays;
  /** Applies to the function's log group. */
  readonly removalPolicy: RemovalPolicy;
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

/** The Powertools service name: one service, the function name tells the handlers apart. */
const serviceName = "crm";

/** The CDK's name for each output format of `lambdaBundling`. */
const outputFormats = { esm: OutputFormat.ESM } as const;

/**
 * A Lambda function with the CRM's defaults: Node.js 24 on Graviton, active tracing, JSON logs
 * into a log group with the customer's retention, and a minified ESM bundle with source maps.
 *
 * The execution role and log group are created here rather than left to the Lambda construct,
 * whose default role carries the AWS managed AWSLambdaBasicExecutionRole policy (logs on every
 * log group in the account). This role may write to this function's log group only. Both are
 * siblings of the function because a subclass cannot create children before `super()`.
 */
export class CrmFunction extends NodejsFunction {
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: CrmFunctionProps) {
    const executionRole = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of the ${id} function`,
    });
    const logs = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    super(scope, id, {
      entry: join(projectRoot, props.entry),
      handler: "handler",
      description: props.description,
      projectRoot,
      depsLockFilePath: join(projectRoot, "package-lock.json"),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // Enough CPU to keep cold starts of the bundled SDK short; a declaration may override it.
      memorySize: props.memorySize ?? 1024,
      // Well under API Gateway's 30 s integration limit, so a stuck call ends as our own 5xx.
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role: executionRole,
      logGroup: logs,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ROLES_CLAIM: props.rolesClaim,
        POWERTOOLS_SERVICE_NAME: serviceName,
        NODE_OPTIONS: "--enable-source-maps",
      },
      // The bundle options live in infra/bundling.ts, where the benchmarks read them too.
      bundling: {
        format: outputFormats[lambdaBundling.format],
        target: lambdaBundling.target,
        mainFields: [...lambdaBundling.mainFields],
        minify: lambdaBundling.minify,
        sourceMap: lambdaBundling.sourceMap,
        sourcesContent: lambdaBundling.sourcesContent,
        externalModules: [...lambdaBundling.externalModules],
        banner: lambdaBundling.banner,
        // esbuild's size table per function drowns out cdk-nag's findings; problems still print.
        logLevel: LogLevel.WARNING,
      },
    });
    this.executionRole = executionRole;
    logs.grantWrite(executionRole);
    Validations.of(executionRole).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no " +
        "resource-level permissions; every other statement of this role names its resources.",
    });
  }

  /**
   * Gives the function the table in one call: `TABLE_NAME` and a grant cut to `access`.
   * `none` grants nothing and sets nothing, so the function cannot reach the table at all.
   */
  bindTable(table: CrmTable, access: TableAccess): void {
    if (access === "none") return;
    this.addEnvironment("TABLE_NAME", table.tableName);
    table.grantAccess(this, access);
  }
}
