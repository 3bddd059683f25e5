/**
 * What one attempt came to, and whether it is worth trying again.
 *
 * Retried: network errors and timeouts (the receiver may be restarting), 5xx (its fault, maybe
 * passing), 408 (it timed out reading us) and 429 (it asked us to slow down). Not retried: every
 * other status, since a 400, 401, 404 or 410 will not change by itself, and redirects, which are
 * never followed (a signed POST must reach the URL the admin registered).
 */
export type AttemptResult =
  | { readonly kind: "response"; readonly status: number; readonly retryAfterMs?: number }
  | { readonly kind: "timeout" }
  | { readonly kind: "network"; readonly message: string };

export type Verdict = "succeeded" | "retry" | "give_up";

export const verdictOf = (result: AttemptResult): Verdict => {
  if (result.kind !== "response") return "retry";
  const { status } = result;
  if (status >= 200 && status < 300) return "succeeded";
  if (status >= 500 || status === 408 || status === 429) return "retry";
  return "give_up";
};
