import type { SlaPolicy } from "#lib/sla-policies/schema";
import type { TicketChannel } from "#lib/tickets/classification";

/**
 * Which policy applies to a new ticket: of the policies whose scope the ticket fits (a scope's
 * channel and team each either absent or equal to the ticket's), the most specific one. A
 * channel and a team beat a team alone, which beats a channel alone, which beats the default
 * (no scope): who works the ticket says more about the promise made than how it came in.
 * Scopes are unique (`keys.ts`), so there is never a tie.
 */
const specificity = (policy: SlaPolicy): number =>
  (policy.scope.teamId === undefined ? 0 : 2) + (policy.scope.channel === undefined ? 0 : 1);

export const matchPolicy = (
  policies: readonly SlaPolicy[],
  ticket: { readonly channel: TicketChannel; readonly teamId?: string | undefined },
): SlaPolicy | undefined => {
  let best: SlaPolicy | undefined;
  for (const policy of policies) {
    const { channel, teamId } = policy.scope;
    if (channel !== undefined && channel !== ticket.channel) continue;
    if (teamId !== undefined && teamId !== ticket.teamId) continue;
    if (!best || specificity(policy) > specificity(best)) best = policy;
  }
  return best;
};
