import { describe, expect, it } from "vitest";
import {
  functionTasksOf,
  type JsonObject,
  parseDefinition,
  placeholdersOf,
  statesOf,
  substitute,
  taskStatesOf,
} from "#lib/workflows/asl";

const definition: JsonObject = {
  StartAt: "First",
  States: {
    First: { Type: "Task", Resource: `\${FirstArn}`, Next: "Both" },
    Both: {
      Type: "Parallel",
      Branches: [
        { StartAt: "Left", States: { Left: { Type: "Task", Resource: `\${LeftArn}`, End: true } } },
        {
          StartAt: "Right",
          States: {
            Right: { Type: "Task", Resource: "arn:aws:states:::dynamodb:getItem", End: true },
          },
        },
      ],
      Next: "Each",
    },
    Each: {
      Type: "Map",
      ItemProcessor: {
        StartAt: "Inner",
        States: {
          Inner: {
            Type: "Task",
            Resource: "arn:aws:lambda:eu-west-1:123456789012:function:inner",
            End: true,
          },
        },
      },
      End: true,
    },
  },
};

describe("ASL placeholders", () => {
  it("lists each placeholder once, in order", () => {
    expect(
      placeholdersOf(`{"a":"\${One}","b":"\${Two}","c":"\${One}","d":"$.not","e":"{}"}`),
    ).toEqual(["One", "Two"]);
  });

  it("substitutes every placeholder, and refuses one without a value", () => {
    expect(substitute(`{"Resource":"\${Fn}"}`, { Fn: "arn:aws:lambda:x" })).toBe(
      '{"Resource":"arn:aws:lambda:x"}',
    );
    // Values land inside JSON strings, so they are escaped as such.
    expect(JSON.parse(substitute(`{"a":"\${V}"}`, { V: 'say "hi"' }))).toEqual({ a: 'say "hi"' });
    expect(() => substitute(`{"a":"\${Missing}"}`, {})).toThrow(/\$\{Missing\}/);
  });
});

describe("ASL states", () => {
  it("finds every state, in branches and item processors too", () => {
    expect(statesOf(definition).map((s) => s.name)).toEqual([
      "First",
      "Both",
      "Left",
      "Right",
      "Each",
      "Inner",
    ]);
  });

  it("tells the Task states that invoke a function from the other Tasks", () => {
    expect(taskStatesOf(definition).map((s) => s.name)).toEqual([
      "First",
      "Left",
      "Right",
      "Inner",
    ]);
    expect(functionTasksOf(definition).map((t) => [t.stateName, t.functionArn])).toEqual([
      ["First", `\${FirstArn}`],
      ["Left", `\${LeftArn}`],
      ["Inner", "arn:aws:lambda:eu-west-1:123456789012:function:inner"],
    ]);
  });

  it("refuses text that is no definition", () => {
    expect(() => parseDefinition("{", "x.asl.json")).toThrow(/x\.asl\.json is not valid JSON/);
    expect(() => parseDefinition("[]", "x.asl.json")).toThrow(/not a state machine definition/);
    expect(() => statesOf({ StartAt: "A" })).toThrow(/no States/);
    expect(() => statesOf({ StartAt: "A", States: { A: 1 } })).toThrow(/State A/);
  });
});
