import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { z } from "zod";

/**
 * The per-customer configuration: one JSON file per customer under `customers/`, selected with
 * `cdk synth -c customer=<name>`. Every stack is one customer's silo, so everything that differs
 * between customers lives here and nowhere else. Objects are strict so that a misspelt key is an
 * error instead of a silently ignored setting.
 */

/** Lower-case letters, digits and dashes: safe in a stack name, a file name and a tag value. */
export const customerNamePattern = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;

/** The stack's own Cognito user pool issues the tokens. */
const cognitoAuthSchema = z.strictObject({ kind: z.literal("cognito") });

/** Any OIDC provider issues the tokens; API Gateway fetches its JWKS from the issuer. */
const oidcAuthSchema = z.strictObject({
  kind: z.literal("oidc"),
  issuer: z.url({ protocol: /^https$/, error: "issuer must be an https URL" }),
  audience: z
    .array(z.string().min(1))
    .min(1, "audience must list at least one accepted audience (client id)"),
});

const throttlingSchema = z.strictObject({
  /** Steady-state requests per second for the whole stage. */
  rateLimit: z.number().positive(),
  /** Requests that may arrive at once above the steady rate. */
  burstLimit: z.int().positive(),
});

const corsSchema = z.strictObject({
  allowOrigins: z.array(z.url({ protocol: /^https?$/ })).min(1),
  maxAgeSeconds: z.int().positive().max(86_400).default(600),
});

const eventsSchema = z.strictObject({
  /** How long the bus's archive keeps events for replay; 0 keeps them forever. */
  archiveRetentionDays: z.int().min(0).default(30),
  /** How long `GET /events` serves an event; at least a week so integrations can catch up. */
  feedRetentionDays: z.int().min(7).max(365).default(7),
});

export const customerConfigSchema = z
  .strictObject({
    customer: z
      .string()
      .regex(customerNamePattern, "customer must be 2-40 lower-case letters, digits or dashes"),
    /** Omitted: the stack deploys to whichever account the credentials belong to. */
    account: z
      .string()
      .regex(/^\d{12}$/, "account must be a 12-digit AWS account id")
      .optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "region must look like eu-west-1"),
    auth: z.discriminatedUnion("kind", [cognitoAuthSchema, oidcAuthSchema]).default({
      kind: "cognito",
    }),
    /** The token claim that carries the caller's roles (Cognito puts groups here). */
    rolesClaim: z.string().min(1).default("cognito:groups"),
    throttling: throttlingSchema.default({ rateLimit: 50, burstLimit: 100 }),
    logRetentionDays: z.enum(RetentionDays).default(RetentionDays.THREE_MONTHS),
    /** What happens to stateful resources (table, user pool, logs) when the stack goes away. */
    removalPolicy: z.enum(["retain", "destroy"]).default("retain"),
    /** Deletion protection on the table and user pool, and termination protection on the stack. */
    deletionProtection: z.boolean().default(true),
    /** CORS stays off unless a customer's browser app needs it. */
    cors: corsSchema.optional(),
    /** Domain events: the archive of the bus and the retention of the event feed. */
    events: eventsSchema.default({ archiveRetentionDays: 30, feedRetentionDays: 7 }),
  })
  .refine((config) => !(config.removalPolicy === "destroy" && config.deletionProtection), {
    path: ["deletionProtection"],
    message:
      'removalPolicy "destroy" needs deletionProtection false; with both, a teardown would fail half-way',
  });

export type CustomerConfig = z.output<typeof customerConfigSchema>;
export type AuthConfig = CustomerConfig["auth"];
export type ThrottlingConfig = CustomerConfig["throttling"];
export type CorsConfig = NonNullable<CustomerConfig["cors"]>;
export type EventsConfig = CustomerConfig["events"];

/** One stack per customer, named after it, so that stacks of several customers can share an account. */
export const stackNameOf = (config: Pick<CustomerConfig, "customer">): string =>
  `Crm-${config.customer}`;
