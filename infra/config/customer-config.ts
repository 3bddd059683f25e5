import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { z } from "zod";
import { MAX_EXPIRY_DAYS as CSAT_MAX_EXPIRY_DAYS, DEFAULT_CSAT } from "#lib/csat/config";
import { currencySettingsSchema, DEFAULT_CURRENCIES } from "#lib/deals/currencies";
import { DEFAULT_FORECAST, forecastSettingsSchema } from "#lib/forecast/config";
import { DEFAULT_CONVERSION } from "#lib/lead-conversion/config";
import { DEFAULT_NURTURING, nurturingConfigSchema } from "#lib/nurturing/config";

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

const interactionsSchema = z.strictObject({
  /** An integration's email, call or meeting with someone unknown creates that contact. */
  createUnknownContacts: z.boolean().default(true),
});

/**
 * The public web-form capture (`POST /web-forms/leads`), the one route without a token: its own
 * throttling, well below the API's, and the origins whose pages may post it.
 */
const webFormsSchema = z.strictObject({
  rateLimit: z.number().positive().default(5),
  burstLimit: z.int().positive().default(10),
  /** Unset: any origin may post (server-side posts send none); set: CORS and an Origin check. */
  allowedOrigins: z
    .array(
      z
        .url({ protocol: /^https?$/ })
        .regex(/^https?:\/\/[^/?#]+$/, "an origin is a scheme and a host, with no path"),
    )
    .min(1)
    .optional(),
});

/**
 * Satisfaction surveys (lib/csat): how long a survey can be answered, the survey page's link
 * (`{token}` in it), and the public survey routes' own throttling.
 */
const csatSchema = z.strictObject({
  expiryDays: z.int().min(1).max(CSAT_MAX_EXPIRY_DAYS).default(DEFAULT_CSAT.expiryDays),
  surveyUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .refine((url) => url.includes("{token}"), "the survey URL must contain {token}")
    .optional(),
  rateLimit: z.number().positive().default(5),
  burstLimit: z.int().positive().default(10),
});

const salesSchema = z.strictObject({
  /**
   * The currencies deals may be in: `base`, and every currency in `rates` with the value of one
   * unit of it in the base currency (for the forecast's conversions). lib/deals/currencies.ts.
   */
  currencies: z._default(currencySettingsSchema, DEFAULT_CURRENCIES),
  /** Lead conversion: only qualified leads convert, unless false. lib/lead-conversion/config.ts. */
  conversion: z
    .strictObject({ requireQualified: z.boolean().default(DEFAULT_CONVERSION.requireQualified) })
    .default(DEFAULT_CONVERSION),
  /**
   * The forecast's categories: open deals in stages with a win probability of at least
   * `commitThreshold` are commit, of at least `bestCaseThreshold` best case. lib/forecast/config.ts.
   */
  forecast: z._default(forecastSettingsSchema, DEFAULT_FORECAST),
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
    /** Sales: the currencies of deals and their rates, lead conversion, and the forecast. */
    sales: salesSchema.default({
      currencies: DEFAULT_CURRENCIES,
      conversion: DEFAULT_CONVERSION,
      forecast: DEFAULT_FORECAST,
    }),
    /** The public web-form capture's throttling and allowed origins. */
    webForms: webFormsSchema.default({ rateLimit: 5, burstLimit: 10 }),
    /** Inbound interaction events from integrations (`interaction-ingest`). */
    interactions: interactionsSchema.default({ createUnknownContacts: true }),
    /**
     * The lead nurturing workflow: nurtured sources, steps `{ waitSeconds, touch }`, and the
     * qualification threshold (lib/nurturing/config.ts, docs/workflows.md).
     */
    nurturing: z._default(nurturingConfigSchema, DEFAULT_NURTURING),
    /** Satisfaction surveys: expiry, survey page, and the public survey routes' throttling. */
    csat: csatSchema.default({
      expiryDays: DEFAULT_CSAT.expiryDays,
      rateLimit: 5,
      burstLimit: 10,
    }),
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
export type WebFormsConfig = CustomerConfig["webForms"];

/** One stack per customer, named after it, so that stacks of several customers can share an account. */
export const stackNameOf = (config: Pick<CustomerConfig, "customer">): string =>
  `Crm-${config.customer}`;
