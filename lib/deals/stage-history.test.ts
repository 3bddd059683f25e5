import { describe, expect, it } from "vitest";
import { MAX_STAGE_HISTORY } from "#lib/deals/schema";
import {
  firstPosition,
  movedPosition,
  secondsBetween,
  stageChangeVerb,
  withPosition,
} from "#lib/deals/stage-history";
import type { Stage } from "#lib/pipelines/schema";

const stage = (id: string, over: Partial<Stage> = {}): Stage => ({
  id,
  name: id,
  winProbability: 50,
  closed: false,
  won: false,
  ...over,
});
const qualified = stage("stg_q");
const proposal = stage("stg_p");
const won = stage("stg_won", { closed: true, won: true, winProbability: 100 });
const lost = stage("stg_lost", { closed: true, winProbability: 0 });

const at = (iso: string) => new Date(iso);
const entry = (s: Stage, when: string, reason?: string) => ({
  pipelineId: "pip_1",
  stage: s,
  at: at(when),
  actor: "bob",
  ...(reason === undefined ? {} : { reason }),
});

describe("stage history", () => {
  it("starts a deal with one open entry in its first stage", () => {
    expect(firstPosition(entry(qualified, "2026-11-01T09:00:00.000Z"))).toEqual({
      pipelineId: "pip_1",
      stageId: "stg_q",
      status: "open",
      stageEnteredAt: "2026-11-01T09:00:00.000Z",
      stageHistory: [
        {
          pipelineId: "pip_1",
          stageId: "stg_q",
          enteredAt: "2026-11-01T09:00:00.000Z",
          enteredBy: "bob",
        },
      ],
    });
  });

  it("closes the current entry with its duration on every move, and wins with the reason", () => {
    const start = firstPosition(entry(qualified, "2026-11-01T09:00:00.000Z"));
    const second = movedPosition(start, entry(proposal, "2026-11-03T10:30:15.900Z"));
    const third = movedPosition(second, entry(won, "2026-11-10T09:00:00.000Z", "Best fit"));
    expect(third).toEqual({
      pipelineId: "pip_1",
      stageId: "stg_won",
      status: "won",
      stageEnteredAt: "2026-11-10T09:00:00.000Z",
      closedAt: "2026-11-10T09:00:00.000Z",
      closeReason: "Best fit",
      stageHistory: [
        {
          pipelineId: "pip_1",
          stageId: "stg_q",
          enteredAt: "2026-11-01T09:00:00.000Z",
          enteredBy: "bob",
          leftAt: "2026-11-03T10:30:15.900Z",
          durationSeconds: 2 * 86_400 + 5_415,
        },
        {
          pipelineId: "pip_1",
          stageId: "stg_p",
          enteredAt: "2026-11-03T10:30:15.900Z",
          enteredBy: "bob",
          leftAt: "2026-11-10T09:00:00.000Z",
          durationSeconds: 599_384,
        },
        {
          pipelineId: "pip_1",
          stageId: "stg_won",
          enteredAt: "2026-11-10T09:00:00.000Z",
          enteredBy: "bob",
          reason: "Best fit",
        },
      ],
    });
  });

  it("reopens a lost deal: open again, without its close time and reason, which the history keeps", () => {
    const deal = {
      id: "deal_1",
      name: "Deal",
      ...movedPosition(
        firstPosition(entry(qualified, "2026-11-01T09:00:00.000Z")),
        entry(lost, "2026-11-02T09:00:00.000Z", "No budget"),
      ),
    };
    expect(deal).toMatchObject({ status: "lost", closeReason: "No budget" });
    const reopened = withPosition(
      deal,
      movedPosition(deal, entry(proposal, "2026-11-05T09:00:00.000Z", "Budget found")),
    );
    expect(reopened).not.toHaveProperty("closedAt");
    expect(reopened).not.toHaveProperty("closeReason");
    expect(reopened).toMatchObject({
      id: "deal_1",
      name: "Deal",
      status: "open",
      stageId: "stg_p",
    });
    expect(reopened.stageHistory.map((h) => [h.stageId, h.durationSeconds, h.reason])).toEqual([
      ["stg_q", 86_400, undefined],
      ["stg_lost", 3 * 86_400, "No budget"],
      ["stg_p", undefined, "Budget found"],
    ]);
  });

  it(`keeps the last ${MAX_STAGE_HISTORY} entries`, () => {
    let position = firstPosition(entry(qualified, "2026-01-01T00:00:00.000Z"));
    for (let i = 1; i <= MAX_STAGE_HISTORY + 5; i++) {
      const next = i % 2 === 0 ? qualified : proposal;
      position = movedPosition(
        position,
        entry(next, new Date(Date.UTC(2026, 0, 1, i)).toISOString()),
      );
    }
    expect(position.stageHistory).toHaveLength(MAX_STAGE_HISTORY);
    expect(position.stageHistory.at(-1)).toMatchObject({ stageId: position.stageId });
    expect(position.stageHistory.at(-2)).toMatchObject({ durationSeconds: 3600 });
  });

  it("never counts a negative duration when clocks disagree", () => {
    expect(secondsBetween("2026-11-01T09:00:05.000Z", at("2026-11-01T09:00:00.000Z"))).toBe(0);
  });

  it("names the event of a move by the outcome of the new stage", () => {
    expect([proposal, won, lost].map(stageChangeVerb)).toEqual(["stage_changed", "won", "lost"]);
  });
});
