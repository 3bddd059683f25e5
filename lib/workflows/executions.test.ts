import { describe, expect, it } from "vitest";
import { executionArnOf, executionNameOf, stateMachineArnOf } from "#lib/workflows/executions";

describe("execution names and ARNs", () => {
  it("derives one name per record, and refuses what Step Functions refuses", () => {
    expect(executionNameOf("nurture", "lead_01JNQ8V4ZK3M5N7P9Q1R2S3T4V")).toBe(
      "nurture-lead_01JNQ8V4ZK3M5N7P9Q1R2S3T4V",
    );
    for (const id of ["has space", "a/b", "a:b", "x".repeat(80), "tab\t"]) {
      expect(() => executionNameOf("p", id), id).toThrow(
        /not a valid Step Functions execution name/,
      );
    }
  });

  it("knows an execution's ARN from its state machine's and its name", () => {
    expect(
      executionArnOf("arn:aws:states:eu-west-1:123456789012:stateMachine:LeadNurturing-Ab1", "n-1"),
    ).toBe("arn:aws:states:eu-west-1:123456789012:execution:LeadNurturing-Ab1:n-1");
    expect(() => executionArnOf("arn:aws:lambda:eu-west-1:1:function:f", "n")).toThrow(
      /Not a state machine ARN/,
    );
  });

  it("finds the state machine's ARN in the variable the wiring names, or says what is missing", () => {
    process.env.SOME_FLOW_STATE_MACHINE_ARN = "arn:aws:states:eu-west-1:1:stateMachine:x";
    expect(stateMachineArnOf("some-flow")).toBe("arn:aws:states:eu-west-1:1:stateMachine:x");
    expect(() => stateMachineArnOf("unbound-flow")).toThrow(
      /UNBOUND_FLOW_STATE_MACHINE_ARN is not set/,
    );
  });
});
