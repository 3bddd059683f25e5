import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { type ExtraItem, toRecord, WriteConflict } from "#lib/db/record-store";
import { POLICY_PARTITION, POLICY_SORT_PREFIX, revisionKey } from "#lib/sla-policies/keys";
import type { SlaPolicy } from "#lib/sla-policies/schema";

/** Every SLA policy, as of one revision of the set. */
export interface PolicySet {
  readonly revision: number;
  readonly policies: readonly SlaPolicy[];
}

/**
 * Policies change rarely and are matched on every ticket creation, so each function instance
 * keeps the last set it read. That is safe because the creation's transaction carries a
 * condition on the revision it matched against (`policyRevisionCondition`): a stale copy makes
 * the transaction fail, and `withPolicies` reloads and tries again. The same pattern as custom
 * field definitions (`lib/custom-fields/definitions.ts`).
 */
let cache: PolicySet | undefined;

/** One consistent Query of the policies' partition: every policy and the revision item. */
export const loadPolicies = async (): Promise<PolicySet> => {
  const policies: SlaPolicy[] = [];
  let revision = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": POLICY_PARTITION },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.sk === revisionKey().sk) revision = Number(item.revision);
      else if (String(item.sk).startsWith(POLICY_SORT_PREFIX)) policies.push(toRecord(item));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  cache = { revision, policies };
  return cache;
};

export const POLICY_REVISION_LABEL = "sla-policy-revision";

/** A transaction item that fails if the policies moved past the revision `set` was read at. */
export const policyRevisionCondition = (set: PolicySet): ExtraItem => ({
  label: POLICY_REVISION_LABEL,
  item: {
    ConditionCheck: {
      TableName: tableName(),
      Key: revisionKey(),
      ...(set.revision === 0
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : {
            ConditionExpression: "revision = :revision",
            ExpressionAttributeValues: { ":revision": set.revision },
          }),
    },
  },
});

/** Runs a write against the cached policies, once more with fresh ones if they moved. */
export const withPolicies = async <T>(write: (set: PolicySet) => Promise<T>): Promise<T> => {
  const cached = cache ?? (await loadPolicies());
  try {
    return await write(cached);
  } catch (error) {
    const stale =
      error instanceof WriteConflict &&
      error.targets.some((t) => t.kind === "extra" && t.label === POLICY_REVISION_LABEL);
    if (!stale) throw error;
    return write(await loadPolicies());
  }
};
