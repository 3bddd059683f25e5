import * as z from "zod/mini";
import { companyId } from "#lib/contacts/schema";
import { customFieldPatch, customFieldValues } from "#lib/custom-fields/values-schema";
import { engagementSchema } from "#lib/engagement/schema";
import { pageQuery, recordMeta, tags, userId } from "#lib/records/common-schema";

export { companyId };

export const COMPANY_SIZES = [
  "1-10",
  "11-50",
  "51-200",
  "201-500",
  "501-1000",
  "1001-5000",
  "5001-10000",
  "10001+",
] as const;

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
/** A bare host name: `Example.com`, `https://www.example.com/` and `example.com` are the same. */
export const domain = z.pipe(
  z.string().check(
    z.trim(),
    z.toLowerCase(),
    z.maxLength(253),
    z.overwrite((value) =>
      value
        .replace(/^https?:\/\//, "")
        .replace(/^www\./, "")
        .replace(/\/.*$/, ""),
    ),
  ),
  z
    .string()
    .check(
      z.regex(
        /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        "Expected a domain such as example.com",
      ),
    ),
);
const industry = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
const size = z.enum(COMPANY_SIZES);
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const address = z.strictObject({
  street: z.optional(text(200)),
  city: z.optional(text(100)),
  region: z.optional(text(100)),
  postalCode: z.optional(text(20)),
  country: z.optional(
    z
      .string()
      .check(z.trim(), z.toUpperCase(), z.regex(/^[A-Z]{2}$/, "An ISO 3166-1 alpha-2 code")),
  ),
});

export const createCompanyBody = z.strictObject({
  name,
  domain: z.optional(domain),
  industry: z.optional(industry),
  size: z.optional(size),
  address: z.optional(address),
  ownerId: z.optional(userId),
  tags: z._default(tags, []),
  customFields: z._default(customFieldValues, {}),
});

export const updateCompanyBody = z
  .strictObject({
    name: z.optional(name),
    domain: z.optional(z.nullable(domain)),
    industry: z.optional(z.nullable(industry)),
    size: z.optional(z.nullable(size)),
    address: z.optional(z.nullable(address)),
    ownerId: z.optional(z.nullable(userId)),
    tags: z.optional(tags),
    customFields: z.optional(customFieldPatch),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

export const companySchema = z.object({
  id: companyId,
  name: z.string(),
  domain: z.optional(z.string()),
  industry: z.optional(z.string()),
  size: z.optional(size),
  address: z.optional(address),
  ownerId: z.optional(z.string()),
  tags: z.array(z.string()),
  customFields: customFieldValues,
  ...recordMeta,
});

/**
 * `GET /companies/{id}`: the company with its engagement, derived from its activities and kept
 * beside the record (never in its events, never written by clients).
 */
export const companyDetailSchema = z.extend(companySchema, { engagement: engagementSchema });

export const companyParams = z.strictObject({ companyId });

export const listCompaniesQuery = z.strictObject({
  ...pageQuery,
  ownerId: z.optional(userId),
  industry: z.optional(industry),
  tag: z.optional(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(50))),
  domain: z.optional(domain),
  q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
});

export const companyContactsQuery = z.strictObject({ ...pageQuery });

export type Company = z.infer<typeof companySchema>;
export type CompanyDetail = z.infer<typeof companyDetailSchema>;
export type CreateCompany = z.output<typeof createCompanyBody>;
export type UpdateCompany = z.output<typeof updateCompanyBody>;
export type ListCompaniesQuery = z.output<typeof listCompaniesQuery>;
