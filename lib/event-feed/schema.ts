import * as z from "zod/mini";
import { publishedDetailTypes } from "#lib/events/published-entities";
import { isoDateTime, pageQuery } from "#lib/records/common-schema";

/** Each type is one Query of a page, so the cost of a page stays bounded. */
export const MAX_TYPES = 10;

const knownTypes = new Set(publishedDetailTypes());

const detailType = z.string().check(
  z.refine((type) => knownTypes.has(type), {
    error: (issue) =>
      `Unknown event type ${JSON.stringify(issue.input)}; known types: ${[...knownTypes].join(", ")}`,
  }),
);

/** `types=contact.created,contact.updated`: a comma list, without blanks and repeats. */
const typeList = z.pipe(
  z.string().check(z.minLength(1), z.maxLength(1000)),
  z.pipe(
    z.transform((list: string) => [
      ...new Set(
        list
          .split(",")
          .map((type) => type.trim())
          .filter((type) => type.length > 0),
      ),
    ]),
    z.array(detailType).check(z.minLength(1), z.maxLength(MAX_TYPES)),
  ),
);

export const feedQuery = z.strictObject({
  /** The `nextCursor` of an earlier page; absent to start at the oldest retained event. */
  after: pageQuery.cursor,
  types: z.optional(typeList),
  limit: pageQuery.limit,
});

export const feedEventSchema = z.object({
  eventId: z.string(),
  /** The detail-type: `contact.updated`. */
  type: z.string(),
  occurredAt: isoDateTime,
  /** The event envelope, exactly as the bus carried it (see the event catalogue). */
  detail: z.record(z.string(), z.unknown()),
});

export const feedPage = z.object({
  data: z.array(feedEventSchema),
  /** Always present: where to resume, also after a short or empty page. */
  nextCursor: z.string(),
});

export type FeedQuery = z.output<typeof feedQuery>;
