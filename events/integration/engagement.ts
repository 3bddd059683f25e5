import * as z from "zod/mini";
import type { EventDefinition } from "#events/catalogue";
import { inboundEventOf } from "#events/integration/catalogue";
import {
  ENGAGEMENT_DETAIL_TYPES,
  type EngagementDetailType,
  EngagementEvents,
} from "#events/integration/engagement-detail-types";
import { email } from "#lib/contacts/schema";

/**
 * The inbound engagement catalogue: what a marketing integration (an email platform, web
 * analytics) puts on the stack's bus when a person opens an email, clicks a link in one, or
 * visits a page. The `lead-scoring-engagement` rule sends them to lead scoring, which records
 * them as signals on the leads with that address (`lib/lead-scoring`). They sit next to the
 * interaction events (`events/integration/catalogue.ts`) and are generated the same way, into
 * `events/schemas/inbound/` and `events/examples/inbound/`.
 *
 * EventBridge fields: `source` is `integration.<name>`, as for interactions; `detail-type` is one
 * of `EngagementEvents`; `detail` is strict, so a misspelt field is refused rather than ignored.
 */
export { ENGAGEMENT_DETAIL_TYPES, type EngagementDetailType, EngagementEvents };

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const dateTime = z.iso.datetime({ offset: true });
/** Web addresses only: an engagement is with a page or a link people can follow. */
const webUrl = z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).check(z.maxLength(2048));

const common = {
  /**
   * The integration's own id for the engagement. With the source and the detail-type, it names
   * the signal: the same engagement delivered twice counts once.
   */
  externalId: z.string().check(z.minLength(1), z.maxLength(256)),
  /** When the person engaged; decay counts from here. */
  occurredAt: dateTime,
  /** The person's address: the lead (or leads) with it get the signal. */
  email,
};
/** The marketing campaign or email send it belongs to, as the integration names it. */
const campaign = z.optional(text(200));

const emailOpenedDetail = z.strictObject({
  ...common,
  campaign,
  /** The RFC 5322 Message-ID of the email that was opened. */
  messageId: z.optional(text(998)),
});

const emailClickedDetail = z.strictObject({
  ...common,
  /** The link that was followed. */
  url: webUrl,
  campaign,
  messageId: z.optional(text(998)),
});

const pageVisitedDetail = z.strictObject({
  ...common,
  url: webUrl,
  /** The page's title, as the browser showed it. */
  title: z.optional(text(300)),
  /** Where the visitor came from. */
  referrer: z.optional(webUrl),
  campaign,
});

export const engagementDetailSchemas = {
  [EngagementEvents.EmailOpened]: emailOpenedDetail,
  [EngagementEvents.EmailClicked]: emailClickedDetail,
  [EngagementEvents.PageVisited]: pageVisitedDetail,
} as const satisfies Record<EngagementDetailType, z.ZodMiniType>;

/** An inbound engagement event as the lead scoring rule's target receives it. */
export const engagementEvent = z.discriminatedUnion("detail-type", [
  inboundEventOf(EngagementEvents.EmailOpened, emailOpenedDetail),
  inboundEventOf(EngagementEvents.EmailClicked, emailClickedDetail),
  inboundEventOf(EngagementEvents.PageVisited, pageVisitedDetail),
]);
export type EngagementEvent = z.output<typeof engagementEvent>;

/** One definition per detail-type, for the generated JSON Schemas and docs/events.md. */
export const engagementCatalogue: readonly EventDefinition[] = [
  {
    detailType: EngagementEvents.EmailOpened,
    description:
      "A person opened a marketing or sales email: an `email_opened` signal on the leads with that `email`.",
    schema: emailOpenedDetail,
  },
  {
    detailType: EngagementEvents.EmailClicked,
    description:
      "A person clicked a link in an email: an `email_clicked` signal on the leads with that `email`.",
    schema: emailClickedDetail,
  },
  {
    detailType: EngagementEvents.PageVisited,
    description:
      "A known visitor viewed a page of the website: a `page_visited` signal on the leads with that `email`.",
    schema: pageVisitedDetail,
  },
];
