import { describe, expect, it } from "vitest";
import type { StateMachineDeclaration } from "#lib/wiring/state-machines";
import { declarationProblems } from "#lib/workflows/declaration-check";

const declaration: StateMachineDeclaration = {
  name: "test",
  description: "test",
  definition: "test.asl.json",
  type: "STANDARD",
  taskFunctions: { WorkArn: "nurtureSteps" },
  startedBy: ["nurtureStarter"],
};

const retry = [{ ErrorEquals: ["States.ALL"] }];
const file = (states: Record<string, unknown>) =>
  JSON.stringify({ StartAt: "Work", States: states });
const work = { Type: "Task", Resource: `\${WorkArn}`, Retry: retry, End: true };

describe("a state machine declaration against its ASL file", () => {
  it("is consistent when placeholders, functions and Tasks agree", () => {
    expect(declarationProblems(declaration, file({ Work: work }))).toEqual([]);
  });

  it("names a placeholder no function maps, and a function the file never uses", () => {
    expect(
      declarationProblems(
        { ...declaration, taskFunctions: { OtherArn: "nurtureSteps" } },
        file({ Work: work }),
      ),
    ).toEqual([
      `placeholder \${WorkArn} maps no function`,
      "taskFunctions.OtherArn is not in the file",
    ]);
  });

  it("refuses Tasks the local runtime could not run, or that name their function otherwise", () => {
    expect(
      declarationProblems(
        declaration,
        file({
          Work: { ...work, End: undefined, Next: "Sdk" },
          Sdk: {
            Type: "Task",
            Resource: "arn:aws:states:::sqs:sendMessage",
            Retry: retry,
            Next: "Fixed",
          },
          Fixed: {
            Type: "Task",
            Resource: "arn:aws:lambda:eu-west-1:123456789012:function:fixed",
            Retry: retry,
            End: true,
          },
        }),
      ),
    ).toEqual([
      "Task Sdk does not invoke a declared function",
      "Task Fixed must name its function by one placeholder",
    ]);
  });

  it("requires a Retry policy on every Task", () => {
    expect(declarationProblems(declaration, file({ Work: { ...work, Retry: undefined } }))).toEqual(
      ["Task Work has no Retry policy"],
    );
    expect(declarationProblems(declaration, file({ Work: { ...work, Retry: [] } }))).toEqual([
      "Task Work has no Retry policy",
    ]);
  });

  it("refuses a function that both runs a Task and starts the machine: a cycle in CloudFormation", () => {
    expect(
      declarationProblems({ ...declaration, startedBy: ["nurtureSteps"] }, file({ Work: work })),
    ).toEqual(["nurtureSteps cannot both run a Task and start or stop it"]);
  });
});
