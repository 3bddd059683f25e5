import * as z from "zod/mini";
import { LEAD_SOURCES } from "#lib/leads/schema";

/**
 * The lead nurturing workflow's configuration, per customer (`nurturing` in
 * infra/config/customer-config.ts): which lead sources are nurtured, the sequence of steps (wait,
 * then send a touch), and the score at which a lead is handed off to sales.
 *
 * The CDK gives it to the starter function as `NURTURING_CONFIG` (JSON); the starter puts the
 * steps and the threshold into each execution's input, so an execution runs with the settings it
 * started with even if the configuration changes meanwhile. The local runtime sets the same
 * variable (from `startLocalRuntime`'s `nurturing` option, or the developer's environment).
 */

/** Step Functions' longest wait is a year; a nurturing step is far shorter. */
const MAX_WAIT_SECONDS = 365 * 24 * 60 * 60;
/** Each step is a few state transitions; a long sequence would be a campaign, not nurturing. */
export const MAX_STEPS = 50;

/** An email template (or other touch) id the delivering integration knows. */
export const touchTemplate = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(100),
    z.regex(/^[a-z0-9][a-z0-9._-]*$/, "A touch is a template id: a-z, 0-9, . _ -"),
  );

export const nurtureStep = z.strictObject({
  /** How long to wait before this step's touch, from the previous step (or the start). */
  waitSeconds: z.int().check(z.minimum(0), z.maximum(MAX_WAIT_SECONDS)),
  touch: touchTemplate,
});

export const nurturingConfigSchema = z.strictObject({
  /** Leads created from these sources are nurtured; an empty list turns nurturing off. */
  sources: z
    .array(z.enum(LEAD_SOURCES))
    .check(z.refine((list) => new Set(list).size === list.length, "Sources must be unique")),
  steps: z.array(nurtureStep).check(z.minLength(1), z.maxLength(MAX_STEPS)),
  /** A lead whose score reaches this is qualified and handed off to sales. */
  qualificationThreshold: z.int().check(z.minimum(1)),
});

export type NurtureStep = z.infer<typeof nurtureStep>;
export type NurturingConfig = z.infer<typeof nurturingConfigSchema>;

/** Three touches over two weeks for web form and event leads; handed off at 50 points. */
export const DEFAULT_NURTURING: NurturingConfig = {
  sources: ["web_form", "event"],
  steps: [
    { waitSeconds: 24 * 60 * 60, touch: "nurture-welcome" },
    { waitSeconds: 3 * 24 * 60 * 60, touch: "nurture-case-study" },
    { waitSeconds: 10 * 24 * 60 * 60, touch: "nurture-check-in" },
  ],
  qualificationThreshold: 50,
};

export const NURTURING_CONFIG_VARIABLE = "NURTURING_CONFIG";

/**
 * The configuration from `NURTURING_CONFIG`, or the default when it is unset. A value that does
 * not parse is a deployment mistake and fails loudly rather than nurturing with other settings.
 */
export const nurturingConfig = (
  value = process.env[NURTURING_CONFIG_VARIABLE],
): NurturingConfig => {
  if (value === undefined || value === "") return DEFAULT_NURTURING;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`${NURTURING_CONFIG_VARIABLE} is not JSON`);
  }
  const parsed = nurturingConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${NURTURING_CONFIG_VARIABLE} is invalid: ${parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
        .join("; ")}`,
    );
  }
  return parsed.data;
};
