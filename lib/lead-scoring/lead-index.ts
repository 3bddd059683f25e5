import { DeleteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { getRecord } from "#lib/db/record-store";
import { EMAIL_ENTITY, emailEntryKey, emailPartition } from "#lib/lead-scoring/keys";
import { leadModel } from "#lib/leads/keys";
import type { Lead } from "#lib/leads/schema";

/**
 * Leads by email address, for the integrations' engagement events, which name a person by their
 * address. Leads have no email index of their own (several leads may share an address: two
 * web-form submissions), so scoring keeps this projection from the `lead.*` events it consumes
 * anyway: one entry per (address, lead), found with one Query.
 *
 * Events may arrive out of order, so an entry can outlive the address it names for a moment.
 * Every lookup therefore reads each lead and keeps it only if it still has that address,
 * removing the stale entries it meets.
 */
export const MAX_LEADS_PER_EMAIL = 10;

export const indexLeadEmail = async (email: string, leadId: string): Promise<void> => {
  await documentClient.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...emailEntryKey(email, leadId), entityType: EMAIL_ENTITY, email, leadId },
    }),
  );
};

export const unindexLeadEmail = async (email: string, leadId: string): Promise<void> => {
  await documentClient.send(
    new DeleteCommand({ TableName: tableName(), Key: emailEntryKey(email, leadId) }),
  );
};

/**
 * The leads with this address (lower-cased, as the schemas store it), oldest first, at most
 * `MAX_LEADS_PER_EMAIL`: one Query, plus one GetItem per entry to confirm it.
 */
export const findLeadsByEmail = async (email: string): Promise<Lead[]> => {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": emailPartition(email) },
      Limit: MAX_LEADS_PER_EMAIL,
    }),
  );
  const leadIds = (Items ?? []).map((item) => String(item.leadId));
  const leads = await Promise.all(leadIds.map((id) => getRecord(leadModel, id)));
  const found: Lead[] = [];
  await Promise.all(
    leadIds.map(async (leadId, index) => {
      const lead = leads[index];
      if (lead?.email === email) found.push(lead);
      else await unindexLeadEmail(email, leadId);
    }),
  );
  return found.sort((a, b) => (a.id < b.id ? -1 : 1));
};
