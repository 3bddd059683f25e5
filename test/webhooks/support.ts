import { randomUUID } from "node:crypto";
import type { BusEvent } from "#events/envelope";
import type { SentAttempt } from "#lib/webhooks/send";
import type { SignedHeaders } from "#lib/webhooks/signature";
import { busEvent } from "#test/fixtures/bus-events/index";

/** A `contact.created` as the bus delivers it, with a fresh event id unless one is given. */
export const contactCreated = (eventId: string = randomUUID()): BusEvent =>
  busEvent("contact.created", { eventId });

export interface SentRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: SignedHeaders;
}

/**
 * A stand-in for the HTTP POST that answers from a script of statuses (the last one repeats)
 * and records what was sent, for tests that are about our bookkeeping, not about sockets.
 */
export const scriptedReceiver = (...statuses: (number | "timeout" | "network")[]) => {
  const sent: SentRequest[] = [];
  const send = async (url: string, body: string, headers: SignedHeaders): Promise<SentAttempt> => {
    const next = statuses[Math.min(sent.length, statuses.length - 1)] ?? 200;
    sent.push({ url, body, headers });
    if (next === "timeout") return { result: { kind: "timeout" }, durationMs: 10_000 };
    if (next === "network") {
      return { result: { kind: "network", message: "fetch failed (ECONNREFUSED)" }, durationMs: 1 };
    }
    return { result: { kind: "response", status: next }, durationMs: 5 };
  };
  return { sent, send };
};
