import type { ItemKey, RecordModel } from "#lib/db/record-store";
import type { SlaPolicy, SlaScope } from "#lib/sla-policies/schema";

/**
 * Every key format of SLA policies, in one place. See docs/data-model.md for the access patterns.
 *
 * | item        | pk                                      | sk          | attributes                 |
 * |-------------|-----------------------------------------|-------------|----------------------------|
 * | policy      | sla-policy                              | policy#<id> | the policy                 |
 * | revision    | sla-policy                              | #revision   | revision, policyCount      |
 * | scope guard | sla-policy#scope#<channel>#<teamId>     | scope       | a copy of the policy       |
 *
 * Every policy shares one partition with a revision item (`*` stands for "any" in a scope), so
 * one Query reads them all with their revision: ticket creation matches a policy against a
 * per-instance copy and conditions its write on the revision it read (see `policy-set.ts`). Every
 * policy write bumps the revision in its own transaction. The scope guard is a unique facet: at
 * most one policy per scope, so the most specific match is never a tie.
 */
export const POLICY_PARTITION = "sla-policy";
export const POLICY_SORT_PREFIX = "policy#";

export const policyKey = (id: string): ItemKey => ({
  pk: POLICY_PARTITION,
  sk: `${POLICY_SORT_PREFIX}${id}`,
});
export const revisionKey = (): ItemKey => ({ pk: POLICY_PARTITION, sk: "#revision" });

const ANY = "*";
export const scopeLabel = (scope: SlaScope) => `${scope.channel ?? ANY}#${scope.teamId ?? ANY}`;
export const scopeGuardKey = (scope: SlaScope): ItemKey => ({
  pk: `sla-policy#scope#${scopeLabel(scope)}`,
  sk: "scope",
});

export const REVISION_ENTITY_TYPE = "sla_policy_revision";

export const slaPolicyModel: RecordModel<SlaPolicy> = {
  // Also the prefix of its error codes (`sla_policy.not_found`) and its events' entity.
  type: "sla_policy",
  key: policyKey,
  index: () => ({}),
  facets: (policy) => [{ name: "scope", key: scopeGuardKey(policy.scope), unique: true }],
};
