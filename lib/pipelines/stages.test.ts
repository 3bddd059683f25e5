import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { DomainError } from "#lib/errors/domain-error";
import { createPipelineBody, type Stage, updatePipelineBody } from "#lib/pipelines/schema";
import { firstOpenStage, outcomeOf, planStages } from "#lib/pipelines/stages";

// The messages clients see: the validation middleware configures the same locale.
z.config(en());

const messages = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

const open = (name: string, winProbability = 20) => ({ name, winProbability });
const won = { name: "Won", winProbability: 100, closed: true, won: true };
const lost = { name: "Lost", winProbability: 0, closed: true };

describe("the stages of a pipeline", () => {
  it("accepts an open, a won and a lost stage, filling the flags", () => {
    const result = createPipelineBody.safeParse({
      name: " New business ",
      stages: [{ ...open("Qualified"), rottingDays: 14 }, won, lost],
    });
    expect(result.success).toBe(true);
    expect(result.data?.name).toBe("New business");
    expect(result.data?.stages).toEqual([
      { name: "Qualified", winProbability: 20, closed: false, won: false, rottingDays: 14 },
      { name: "Won", winProbability: 100, closed: true, won: true },
      { name: "Lost", winProbability: 0, closed: true, won: false },
    ]);
  });

  it("needs an open stage, a won stage and a lost stage", () => {
    expect(messages(createPipelineBody.safeParse({ name: "p", stages: [won, lost] }))).toEqual([
      "stages: A pipeline needs an open, a won and a lost stage",
      "stages: A pipeline needs at least one open stage",
    ]);
    expect(
      messages(createPipelineBody.safeParse({ name: "p", stages: [open("a"), open("b"), lost] })),
    ).toEqual(["stages: A pipeline needs at least one closed-won stage"]);
    expect(
      messages(createPipelineBody.safeParse({ name: "p", stages: [open("a"), open("b"), won] })),
    ).toEqual(["stages: A pipeline needs at least one closed-lost stage"]);
  });

  it("keeps the flags and probabilities coherent", () => {
    const result = createPipelineBody.safeParse({
      name: "p",
      stages: [
        { ...open("a"), won: true },
        { ...won, winProbability: 90 },
        { ...lost, winProbability: 10, rottingDays: 3 },
        { ...open("b"), winProbability: 101 },
        { ...open("c"), rottingDays: 0 },
      ],
    });
    expect(messages(result)).toEqual([
      "stages.0.closed: A won stage is a closed stage: set closed to true",
      "stages.0.winProbability: A won stage has a win probability of 100",
      "stages.1.winProbability: A won stage has a win probability of 100",
      "stages.2.winProbability: A lost stage has a win probability of 0",
      "stages.2.rottingDays: Closed deals do not rot: only open stages take rottingDays",
      "stages.3.winProbability: Too big: expected number to be <=100",
      "stages.4.rottingDays: Too small: expected number to be >=1",
    ]);
  });

  it("refuses duplicate names (ignoring case), repeated ids and non-integer probabilities", () => {
    expect(
      messages(
        createPipelineBody.safeParse({
          name: "p",
          stages: [open("Demo"), open("demo"), won, lost],
        }),
      ),
    ).toEqual(["stages: Stage names must be unique within a pipeline"]);
    const id = "stg_01JD7QD5A1B2C3D4E5F6G7H8J0";
    expect(
      messages(
        updatePipelineBody.safeParse({
          stages: [{ ...open("a"), id }, { ...open("b"), id }, won, lost],
        }),
      ),
    ).toEqual(["stages: A stage id may appear once"]);
    expect(
      messages(createPipelineBody.safeParse({ name: "p", stages: [open("a", 12.5), won, lost] })),
    ).toEqual(["stages.0.winProbability: Invalid input: expected int, received number"]);
  });

  it("rejects an empty patch and unknown fields", () => {
    expect(messages(updatePipelineBody.safeParse({}))).toEqual([": The patch changes nothing"]);
    expect(messages(updatePipelineBody.safeParse({ name: "x", version: 3 }))).toEqual([
      ': Unrecognized key: "version"',
    ]);
  });
});

const stage = (id: string, over: Partial<Stage> = {}): Stage => ({
  id,
  name: id,
  winProbability: 50,
  closed: false,
  won: false,
  ...over,
});

describe("planStages", () => {
  const current = [
    stage("stg_a"),
    stage("stg_b"),
    stage("stg_won", { closed: true, won: true, winProbability: 100 }),
    stage("stg_lost", { closed: true, winProbability: 0 }),
  ];
  const input = (s: Stage) => ({
    id: s.id,
    name: s.name,
    winProbability: s.winProbability,
    closed: s.closed,
    won: s.won,
  });

  it("gives every stage of a new pipeline a fresh id", () => {
    let n = 0;
    const plan = planStages(
      [],
      current.map(({ id: _id, ...rest }) => rest),
      () => `stg_new${++n}`,
    );
    expect(plan.stages.map((s) => s.id)).toEqual(["stg_new1", "stg_new2", "stg_new3", "stg_new4"]);
    expect(plan.added).toEqual(plan.stages);
    expect(plan.removed).toEqual([]);
  });

  it("reorders, adds, removes and notices flag changes by id", () => {
    const [a, b, wonStage, lostStage] = current as [Stage, Stage, Stage, Stage];
    const plan = planStages(
      current,
      [
        input(b),
        { ...input(a), name: "Renamed", winProbability: 10, rottingDays: 5 },
        { name: "New", winProbability: 70, closed: false, won: false },
        input(wonStage),
        { ...input(lostStage), closed: false, won: false, winProbability: 5 },
      ],
      () => "stg_new",
    );
    expect(plan.stages.map((s) => s.id)).toEqual([
      "stg_b",
      "stg_a",
      "stg_new",
      "stg_won",
      "stg_lost",
    ]);
    expect(plan.stages[1]).toEqual({
      id: "stg_a",
      name: "Renamed",
      winProbability: 10,
      closed: false,
      won: false,
      rottingDays: 5,
    });
    expect(plan.added.map((s) => s.id)).toEqual(["stg_new"]);
    expect(plan.removed).toEqual([]);
    expect(plan.flagsChanged.map((s) => s.id)).toEqual(["stg_lost"]);

    const smaller = planStages(current, [input(b), input(wonStage), input(lostStage)]);
    expect(smaller.removed.map((s) => s.id)).toEqual(["stg_a"]);
    expect(smaller.flagsChanged).toEqual([]);
  });

  it("refuses an id the pipeline does not have, instead of making a new stage of it", () => {
    let error: unknown;
    try {
      planStages(current, [{ ...input(current[0] as Stage), id: "stg_typo" }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      kind: "unprocessable",
      code: "pipeline.unknown_stage",
      extensions: { stageIds: ["stg_typo"] },
    });
  });

  it("finds the first open stage and each stage's outcome", () => {
    const pipeline = { stages: [current[2], current[3], current[1], current[0]] as Stage[] };
    expect(firstOpenStage(pipeline as never)?.id).toBe("stg_b");
    expect(current.map(outcomeOf)).toEqual(["open", "open", "won", "lost"]);
  });
});
