import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { createContact } from "#lib/contacts/service";
import type { CsatConfig } from "#lib/csat/config";
import { issueSurvey } from "#lib/csat/issue";
import { surveyKey } from "#lib/csat/keys";
import { answerSurvey, getSurvey } from "#lib/csat/service";
import { parseToken } from "#lib/csat/token";
import { documentClient, tableName } from "#lib/db/client";
import type { TicketView } from "#lib/tickets/schema";
import { createTicket, deleteTicket, getTicket, updateTicket } from "#lib/tickets/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

/**
 * Satisfaction surveys against DynamoDB Local: one survey per solving, its token's secret kept
 * only as a hash, the answer recorded on the ticket once; a reused token is a 409, and a forged,
 * unknown, malformed or expired one a 404 that does not say which.
 */
const agent: Principal = { userId: "agent-1", roles: ["support"] };
const config: CsatConfig = { expiryDays: 14, surveyUrl: "https://help.example.com/s/{token}" };
let requesterId: string;

beforeAll(async () => {
  await createTestTable("csat");
  requesterId = (
    await createContact(
      {
        firstName: "Grace",
        emails: ["grace@csat.example"],
        phones: [],
        lifecycleStage: "customer",
        tags: [],
        customFields: {},
      },
      agent,
    )
  ).id;
});

const solvedTicket = async (): Promise<TicketView> => {
  const ticket = await createTicket(
    {
      subject: "The printer is on fire",
      requesterId,
      channel: "email",
      priority: "normal",
      tags: [],
      customFields: {},
    },
    agent,
  );
  return updateTicket(ticket.id, { status: "solved" }, undefined, agent);
};

const issued = async (ticket: TicketView, now = new Date(), over: Partial<CsatConfig> = {}) => {
  const outcome = await issueSurvey(ticket, ticket.version, { ...config, ...over }, now);
  if (outcome.outcome !== "issued") throw new Error(`not issued: ${outcome.outcome}`);
  return outcome;
};

const partition = async (surveyId: string) =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": surveyKey(surveyId).pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const NOT_FOUND = { kind: "not_found", code: "csat.survey_not_found" };

describe("issuing a survey", () => {
  it("keeps only the secret's hash, and the outbox item that announced the token is gone", async () => {
    const ticket = await solvedTicket();
    const { token, surveyId } = await issued(ticket);
    const secret = parseToken(token)?.secret ?? "";
    expect(secret).toHaveLength(43);
    const items = await partition(surveyId);
    expect(items.map((item) => item.sk)).toEqual(["survey"]);
    expect(JSON.stringify(items)).not.toContain(secret);
    expect(items[0]).toMatchObject({
      ticketId: ticket.id,
      requesterId,
      solvedVersion: ticket.version,
      tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("issues one survey per solving: a redelivered event finds it", async () => {
    const ticket = await solvedTicket();
    const first = await issued(ticket);
    expect(await issueSurvey(ticket, ticket.version, config)).toEqual({
      outcome: "already_issued",
      surveyId: first.surveyId,
    });
    // The first token still works: the redelivery changed nothing.
    expect((await getSurvey(first.token)).answered).toBe(false);
    // Solved again after reopening: a new survey.
    const reopened = await updateTicket(ticket.id, { status: "open" }, undefined, agent);
    const again = await updateTicket(reopened.id, { status: "solved" }, undefined, agent);
    const second = await issued(again);
    expect(second.surveyId).not.toBe(first.surveyId);
  });
});

describe("answering a survey", () => {
  it("shows the ticket's subject only, records the rating on the ticket once, and refuses a reuse", async () => {
    const ticket = await solvedTicket();
    const { token, surveyId } = await issued(ticket);
    expect(await getSurvey(token)).toEqual({
      ticketSubject: "The printer is on fire",
      answered: false,
      expiresAt: expect.any(String),
    });

    const answer = await answerSurvey(token, { rating: 4, comment: "Quick, thanks" });
    expect(answer).toMatchObject({ surveyId, rating: 4, comment: "Quick, thanks" });
    const rated = await getTicket(ticket.id);
    expect(rated.satisfaction).toEqual(answer);
    expect(rated.version).toBe(ticket.version + 1);
    expect(rated.updatedBy).toBe("csat-survey");

    const reuse = await rejectionOf(answerSurvey(token, { rating: 1 }));
    expect(reuse).toMatchObject({ kind: "conflict", code: "csat.already_answered" });
    expect((await getTicket(ticket.id)).satisfaction).toEqual(answer);
    expect((await getSurvey(token)).answered).toBe(true);
  });

  it("lets one of two simultaneous answers win; the other is a 409", async () => {
    const ticket = await solvedTicket();
    const { token } = await issued(ticket);
    const results = await Promise.allSettled([
      answerSurvey(token, { rating: 5 }),
      answerSurvey(token, { rating: 1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(refused?.status === "rejected" && refused.reason).toMatchObject({
      code: "csat.already_answered",
    });
  });

  it("refuses forged, unknown, malformed and expired tokens alike, and changes nothing", async () => {
    const ticket = await solvedTicket();
    const { token, surveyId } = await issued(ticket);
    const old = await issued(await solvedTicket(), new Date(Date.now() - 2 * 86_400_000), {
      expiryDays: 1,
    });
    const secret = parseToken(token)?.secret ?? "";
    const flipped = `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    const bad = [
      `${surveyId}.${flipped}`, // the right survey, a forged secret
      `csat_${"0".repeat(26)}.${secret}`, // a real secret, a survey that does not exist
      `${surveyId}.${secret}.x`,
      surveyId,
      "not-a-token",
      old.token, // expired yesterday
    ];
    const errors = await Promise.all(
      bad.map((forged) => rejectionOf(answerSurvey(forged, { rating: 1 }))),
    );
    for (const error of errors) expect(error).toMatchObject(NOT_FOUND);
    // One message for every case: nothing tells a forger how close they are.
    expect(new Set(errors.map((error) => error.message)).size).toBe(1);
    for (const forged of bad) {
      expect(await rejectionOf(getSurvey(forged))).toMatchObject(NOT_FOUND);
    }
    expect((await getTicket(ticket.id)).satisfaction).toBeUndefined();
    // The real token still works afterwards.
    expect((await answerSurvey(token, { rating: 3 })).rating).toBe(3);
  });

  it("refuses the survey of a deleted ticket as unknown", async () => {
    const ticket = await solvedTicket();
    const { token } = await issued(ticket);
    await deleteTicket(ticket.id, undefined, agent);
    expect(await rejectionOf(answerSurvey(token, { rating: 5 }))).toMatchObject(NOT_FOUND);
    expect(await rejectionOf(getSurvey(token))).toMatchObject(NOT_FOUND);
  });
});
