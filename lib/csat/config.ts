import * as z from "zod/mini";

/**
 * Satisfaction surveys' configuration, per customer (`csat` in infra/config/customer-config.ts):
 * how long a survey can be answered, and the page the requester answers it on. The CDK gives
 * it to the `csat` function as `CSAT_CONFIG` (JSON); the local runtime reads the same variable
 * from the developer's environment, or uses the defaults.
 */
export const MAX_EXPIRY_DAYS = 90;

/** `{token}` is where the survey's token goes: `https://help.example.com/survey/{token}`. */
const surveyUrl = z.url({ protocol: /^https$|^http$/ }).check(
  z.refine((url) => url.includes("{token}"), "The survey URL must contain {token}"),
  z.maxLength(500),
);

export const csatConfigSchema = z.strictObject({
  /** Days from the ticket's solving during which its survey can be answered. */
  expiryDays: z.int().check(z.minimum(1), z.maximum(MAX_EXPIRY_DAYS)),
  /** The page that shows the survey; without one, integrations build the link from the token. */
  surveyUrl: z.optional(surveyUrl),
});

export type CsatConfig = z.infer<typeof csatConfigSchema>;

export const DEFAULT_CSAT: CsatConfig = { expiryDays: 14 };

export const CSAT_CONFIG_VARIABLE = "CSAT_CONFIG";

/** The configuration from `CSAT_CONFIG`, or the default; a value that does not parse fails. */
export const csatConfig = (value = process.env[CSAT_CONFIG_VARIABLE]): CsatConfig => {
  if (value === undefined || value === "") return DEFAULT_CSAT;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`${CSAT_CONFIG_VARIABLE} is not JSON`);
  }
  const parsed = csatConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${CSAT_CONFIG_VARIABLE} is invalid: ${parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
        .join("; ")}`,
    );
  }
  return parsed.data;
};

/** The survey link for a token, when the customer configured a survey page. */
export const surveyLinkOf = (config: CsatConfig, token: string): string | undefined =>
  config.surveyUrl?.replace("{token}", encodeURIComponent(token));
