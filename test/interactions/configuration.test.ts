import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CustomerConfigError, parseCustomerConfig } from "#infra/config/load-customer-config";
import { exampleWith, synthesize } from "#test/infra/synthesize";
import { logicalIdOf, resourcesOf } from "#test/infra/template-resources";

/**
 * `interactions.createUnknownContacts` in the customer configuration: validated, defaulted, and
 * handed to the ingest function (and only to it) as INTERACTIONS_CREATE_UNKNOWN_CONTACTS.
 */
const lambdaFunction = z.looseObject({
  Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
});

const variablesOf = (config = exampleWith({})) => {
  const { template, stack } = synthesize(config);
  const ingestId = logicalIdOf(stack.functions.get("interactionIngest"));
  const all = resourcesOf(template, "AWS::Lambda::Function", lambdaFunction);
  return {
    ingest: all.find((fn) => fn.logicalId === ingestId)?.properties.Environment.Variables,
    others: all
      .filter((fn) => fn.logicalId !== ingestId)
      .map((fn) => fn.properties.Environment.Variables),
  };
};

describe("interactions configuration", () => {
  it("creates unknown contacts by default, and tells only the ingest function", () => {
    expect(
      parseCustomerConfig({ customer: "acme", region: "eu-west-1" }, "acme.json"),
    ).toMatchObject({ interactions: { createUnknownContacts: true } });
    const { ingest, others } = variablesOf();
    expect(ingest?.INTERACTIONS_CREATE_UNKNOWN_CONTACTS).toBe("true");
    for (const variables of others) {
      expect(variables).not.toHaveProperty("INTERACTIONS_CREATE_UNKNOWN_CONTACTS");
    }
  });

  it("passes false when the customer turns it off", () => {
    const { ingest } = variablesOf(exampleWith({ interactions: { createUnknownContacts: false } }));
    expect(ingest?.INTERACTIONS_CREATE_UNKNOWN_CONTACTS).toBe("false");
  });

  it("refuses a value that is not a boolean, and unknown keys", () => {
    for (const interactions of [{ createUnknownContacts: "no" }, { createUnknownContact: false }]) {
      expect(
        () =>
          parseCustomerConfig({ customer: "acme", region: "eu-west-1", interactions }, "acme.json"),
        JSON.stringify(interactions),
      ).toThrow(CustomerConfigError);
    }
  });
});
