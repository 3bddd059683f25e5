import * as z from "zod/mini";
import { leadSchema } from "#lib/leads/schema";
import { touchTemplate } from "#lib/nurturing/config";
import { isoDateTime } from "#lib/records/common-schema";

/**
 * What nurturing keeps on a lead: the last touch it sent. Writing it is what announces
 * `lead.nurture_touch` (lib/nurturing/steps.ts), so the event's `data` is the lead, with the
 * person's details the delivering integration needs, plus this.
 */
export const nurtureTouchSchema = z.object({
  /** The step's number in the configured sequence, from 1. */
  step: z.int().check(z.minimum(1)),
  /** The template the integration delivers (`nurturing.steps[].touch` in the configuration). */
  touch: touchTemplate,
  touchedAt: isoDateTime,
});
export type NurtureTouch = z.infer<typeof nurtureTouchSchema>;

/** The `data` of `lead.nurture_touch`: the lead with the touch to deliver. */
export const nurtureTouchedLeadSchema = z.extend(leadSchema, {
  lastNurtureTouch: nurtureTouchSchema,
});
