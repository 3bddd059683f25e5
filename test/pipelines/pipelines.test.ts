import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { documentClient, tableName } from "#lib/db/client";
import { createDeal, deleteDeal } from "#lib/deals/service";
import { stageCounterKey } from "#lib/pipelines/keys";
import type { CreatePipeline, Pipeline } from "#lib/pipelines/schema";
import {
  createPipeline,
  deletePipeline,
  getPipeline,
  listPipelines,
  updatePipeline,
} from "#lib/pipelines/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

const admin: Principal = { userId: "admin-1", roles: ["admin"] };
const seller: Principal = { userId: "seller-1", roles: ["sales"] };

const stages = (): CreatePipeline["stages"] => [
  { name: "Qualified", winProbability: 20, closed: false, won: false },
  { name: "Proposal", winProbability: 60, closed: false, won: false, rottingDays: 14 },
  { name: "Won", winProbability: 100, closed: true, won: true },
  { name: "Lost", winProbability: 0, closed: true, won: false },
];

const newPipeline = (name = "New business") => createPipeline({ name, stages: stages() }, admin);

/** The stages of a pipeline as an update body: everything kept as it is. */
const asInput = (pipeline: Pipeline) => pipeline.stages.map((s) => ({ ...s }));

const counterOf = async (pipelineId: string, stageId: string) =>
  (
    await documentClient.send(
      new GetCommand({
        TableName: tableName(),
        Key: stageCounterKey(pipelineId, stageId),
        ConsistentRead: true,
      }),
    )
  ).Item;

const dealIn = (pipeline: Pipeline, stageIndex = 0) =>
  createDeal(
    {
      name: "Deal",
      amount: 1000,
      lineItems: [],
      expectedCloseDate: "2026-12-01",
      pipelineId: pipeline.id,
      stageId: pipeline.stages[stageIndex]?.id,
      customFields: {},
    },
    seller,
  );

beforeAll(async () => {
  await createTestTable("pipelines");
});

describe("pipelines", () => {
  it("creates a pipeline with server ids for its stages, and a counter per stage", async () => {
    const pipeline = await newPipeline();
    expect(pipeline).toMatchObject({ name: "New business", version: 1, createdBy: "admin-1" });
    expect(pipeline.id).toMatch(/^pip_/);
    expect(pipeline.stages.map((s) => s.id)).toEqual([
      expect.stringMatching(/^stg_/),
      expect.stringMatching(/^stg_/),
      expect.stringMatching(/^stg_/),
      expect.stringMatching(/^stg_/),
    ]);
    expect(pipeline.stages[1]).toMatchObject({ name: "Proposal", rottingDays: 14 });
    for (const stage of pipeline.stages) {
      expect(await counterOf(pipeline.id, stage.id)).toMatchObject({
        dealCount: 0,
        closed: stage.closed,
        won: stage.won,
      });
    }
    const detail = await getPipeline(pipeline.id);
    expect(detail.stages.map((s) => s.dealCount)).toEqual([0, 0, 0, 0]);
  });

  it("lists pipelines by name", async () => {
    await newPipeline("Zebra renewals");
    await newPipeline("Alpha partners");
    const page = await listPipelines({});
    const names = page.data.map((p) => p.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(names).toContain("Alpha partners");
  });

  it("answers 404 for an unknown pipeline", async () => {
    const error = await rejectionOf(getPipeline("pip_01JD7QD4E5F6G7H8J9K0M1N2P0"));
    expect(error).toMatchObject({ kind: "not_found", code: "pipeline.not_found" });
  });

  it("renames, reorders, adds and deletes empty stages in one change", async () => {
    const pipeline = await newPipeline();
    const [qualified, proposal, won, lost] = asInput(pipeline);
    const updated = await updatePipeline(
      pipeline.id,
      {
        name: "Enterprise",
        stages: [
          { ...(proposal as Pipeline["stages"][number]), name: "Offer", winProbability: 50 },
          { name: "Negotiation", winProbability: 80, closed: false, won: false },
          won as Pipeline["stages"][number],
          lost as Pipeline["stages"][number],
        ],
      },
      1,
      admin,
    );
    expect(updated.version).toBe(2);
    expect(updated.name).toBe("Enterprise");
    expect(updated.stages.map((s) => s.name)).toEqual(["Offer", "Negotiation", "Won", "Lost"]);
    expect(updated.stages[0]?.id).toBe(proposal?.id);
    expect(await counterOf(pipeline.id, String(qualified?.id))).toBeUndefined();
    expect(await counterOf(pipeline.id, String(updated.stages[1]?.id))).toMatchObject({
      dealCount: 0,
    });
  });

  it("refuses a stage id the pipeline does not have, and a stale If-Match", async () => {
    const pipeline = await newPipeline();
    const input = asInput(pipeline);
    const unknown = await rejectionOf(
      updatePipeline(
        pipeline.id,
        {
          stages: [
            { ...(input[0] as Pipeline["stages"][number]), id: "stg_01JD7QD5A1B2C3D4E5F6G7H8J9" },
            ...input.slice(1),
          ],
        },
        undefined,
        admin,
      ),
    );
    expect(unknown).toMatchObject({ kind: "unprocessable", code: "pipeline.unknown_stage" });
    const stale = await rejectionOf(updatePipeline(pipeline.id, { name: "x" }, 7, admin));
    expect(stale).toMatchObject({ kind: "precondition_failed", code: "pipeline.version_mismatch" });
    expect(stale.extensions).toMatchObject({ currentVersion: 1 });
    expect((await getPipeline(pipeline.id)).version).toBe(1);
  });

  it("refuses to delete a stage that holds deals, with the count, and changes nothing", async () => {
    const pipeline = await newPipeline();
    await dealIn(pipeline, 0);
    await dealIn(pipeline, 0);
    const [qualified, ...rest] = asInput(pipeline);
    const error = await rejectionOf(
      updatePipeline(pipeline.id, { name: "Renamed", stages: rest as never }, undefined, admin),
    );
    expect(error).toMatchObject({
      kind: "conflict",
      code: "pipeline.stage_has_deals",
      extensions: { stages: [{ id: qualified?.id, name: "Qualified", dealCount: 2 }] },
    });
    const after = await getPipeline(pipeline.id);
    expect(after.version).toBe(1);
    expect(after.name).toBe("New business");
    expect(after.stages.map((s) => s.dealCount)).toEqual([2, 0, 0, 0]);
  });

  it("refuses to turn a stage with deals into a won or lost one, but changes its probability", async () => {
    const pipeline = await newPipeline();
    await dealIn(pipeline, 1);
    const input = asInput(pipeline) as Pipeline["stages"];
    const flip = await rejectionOf(
      updatePipeline(
        pipeline.id,
        {
          stages: input.map((s, i) =>
            i === 1
              ? { ...s, closed: true, won: false, winProbability: 0, rottingDays: undefined }
              : s,
          ),
        },
        undefined,
        admin,
      ),
    );
    expect(flip).toMatchObject({ code: "pipeline.stage_has_deals" });
    const changed = await updatePipeline(
      pipeline.id,
      { stages: input.map((s, i) => (i === 1 ? { ...s, winProbability: 75 } : s)) },
      undefined,
      admin,
    );
    expect(changed.stages[1]?.winProbability).toBe(75);
    // An empty stage may change its flags: its counter follows.
    const [a, b, c, d] = changed.stages;
    const reshaped = await updatePipeline(
      pipeline.id,
      {
        stages: [
          { ...(a as Pipeline["stages"][number]), closed: true, won: true, winProbability: 100 },
          b as Pipeline["stages"][number],
          c as Pipeline["stages"][number],
          d as Pipeline["stages"][number],
        ],
      },
      undefined,
      admin,
    );
    expect(await counterOf(pipeline.id, String(reshaped.stages[0]?.id))).toMatchObject({
      closed: true,
      won: true,
    });
  });

  it("refuses to delete a pipeline with deals, and deletes it with its counters once empty", async () => {
    const pipeline = await newPipeline();
    const deal = await dealIn(pipeline, 0);
    const error = await rejectionOf(deletePipeline(pipeline.id, undefined, admin));
    expect(error).toMatchObject({
      kind: "conflict",
      code: "pipeline.has_deals",
      extensions: { dealCount: 1 },
    });
    expect((await getPipeline(pipeline.id)).version).toBe(1);

    await deleteDeal(deal.id, undefined, seller);
    await deletePipeline(pipeline.id, 1, admin);
    expect((await rejectionOf(getPipeline(pipeline.id))).code).toBe("pipeline.not_found");
    for (const stage of pipeline.stages) {
      expect(await counterOf(pipeline.id, stage.id)).toBeUndefined();
    }
  });

  it("never strands a deal: a stage deletion racing deal creations either wins or is refused", async () => {
    const pipeline = await newPipeline();
    const [qualified, ...rest] = asInput(pipeline);
    const results = await Promise.allSettled([
      dealIn(pipeline, 0),
      updatePipeline(pipeline.id, { stages: rest as never }, undefined, admin),
      dealIn(pipeline, 0),
    ]);
    const detail = await getPipeline(pipeline.id).catch(() => undefined);
    const created = results.filter((r, i) => i !== 1 && r.status === "fulfilled").length;
    const stageGone = results[1]?.status === "fulfilled";
    if (stageGone) {
      expect(created).toBe(0);
      expect(detail?.stages.map((s) => s.id)).not.toContain(qualified?.id);
    } else {
      expect(created).toBeGreaterThan(0);
      expect(detail?.stages.find((s) => s.id === qualified?.id)?.dealCount).toBe(created);
    }
    for (const result of results) {
      if (result.status === "rejected") {
        expect(result.reason).toMatchObject({
          code: expect.stringMatching(
            /^(pipeline\.stage_has_deals|deal\.stage_not_in_pipeline|deal\.stage_changed_concurrently)$/,
          ),
        });
      }
    }
  });
});
