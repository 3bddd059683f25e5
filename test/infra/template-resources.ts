import { CfnElement, Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import type { z } from "zod";

export interface TypedResource<P> {
  readonly logicalId: string;
  readonly properties: P;
  readonly deletionPolicy: unknown;
}

/**
 * The resources of one type, with their properties checked against a schema: a test reads typed
 * values instead of poking into `any`, and a template that changed shape fails with a clear
 * message. Schemas are loose, so they name only what a test reads.
 */
export const resourcesOf = <S extends z.ZodType>(
  template: Template,
  type: string,
  propertiesSchema: S,
): TypedResource<z.output<S>>[] =>
  Object.entries(template.findResources(type)).map(([logicalId, resource]) => ({
    logicalId,
    properties: propertiesSchema.parse(resource.Properties, { reportInput: true }),
    deletionPolicy: resource.DeletionPolicy,
  }));

/** `{ Ref: id }` or `{ "Fn::GetAtt": [id, attribute] }` -> the logical id it points at. */
export const referencedId = (value: unknown): string | undefined => {
  if (typeof value !== "object" || value === null) return undefined;
  if ("Ref" in value && typeof value.Ref === "string") return value.Ref;
  if ("Fn::GetAtt" in value && Array.isArray(value["Fn::GetAtt"])) {
    const [id] = value["Fn::GetAtt"];
    return typeof id === "string" ? id : undefined;
  }
  return undefined;
};

/** The logical id of an L2 construct's CloudFormation resource, as it appears in the template. */
export const logicalIdOf = (construct: IConstruct): string => {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return Stack.of(resource).getLogicalId(resource);
};
