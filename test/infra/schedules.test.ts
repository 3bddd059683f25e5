import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { schedules } from "#lib/wiring/schedules";
import { exampleConfig, type Synthesized, synthesize } from "#test/infra/synthesize";
import { logicalIdOf, referencedId, resourcesOf } from "#test/infra/template-resources";

const schedule = z.looseObject({
  ScheduleExpression: z.string(),
  State: z.string(),
  Target: z.looseObject({
    Arn: z.unknown(),
    RoleArn: z.unknown(),
    Input: z.string(),
    RetryPolicy: z.object({
      MaximumRetryAttempts: z.number(),
      MaximumEventAgeInSeconds: z.number(),
    }),
    DeadLetterConfig: z.object({ Arn: z.unknown() }),
  }),
});

describe("the schedules", () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize(exampleConfig());
  });

  it("exist once per declaration, each invoking its function with a retry policy and a DLQ", () => {
    const built = resourcesOf(synthesized.template, "AWS::Scheduler::Schedule", schedule);
    expect(built).toHaveLength(schedules.length);
    for (const declaration of schedules) {
      // Found by the name in its input: several schedules may share an expression.
      const found = built.find(
        (s) => JSON.parse(s.properties.Target.Input).schedule === declaration.name,
      );
      expect(found, declaration.name).toBeDefined();
      if (!found) continue;
      expect(found.properties.ScheduleExpression).toBe(declaration.expression);
      const target = found.properties.Target;
      expect(found.properties.State).toBe("ENABLED");
      expect(referencedId(target.Arn)).toBe(
        logicalIdOf(synthesized.stack.functions.get(declaration.target.function)),
      );
      expect(JSON.parse(target.Input)).toEqual({
        schedule: declaration.name,
        scheduledTime: "<aws.scheduler.scheduled-time>",
      });
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      const queue = synthesized.stack.schedules.deadLetterQueues.get(declaration.name);
      expect(queue).toBeDefined();
      if (queue) expect(referencedId(target.DeadLetterConfig.Arn)).toBe(logicalIdOf(queue));
    }
  });

  it("give the scheduler's role exactly the target function, without a version wildcard", () => {
    const template = JSON.stringify(synthesized.template.toJSON());
    for (const declaration of schedules) {
      const fnId = logicalIdOf(synthesized.stack.functions.get(declaration.target.function));
      expect(template).not.toContain(`{"Fn::GetAtt":["${fnId}","Arn"]},":*"`);
    }
  });
});
