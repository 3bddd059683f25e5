/**
 * The Lambda functions, one per API resource. `entry` is the module that exports `handler`;
 * `tableAccess` is the least privilege the function needs on the table. The CDK creates one
 * NodejsFunction per entry here and the local runtime loads the same modules.
 */
export type TableAccess = "none" | "read" | "readWrite";

export interface FunctionDeclaration {
  readonly entry: string;
  readonly description: string;
  readonly tableAccess: TableAccess;
  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
}

export const functions = {
  contacts: {
    entry: "functions/contacts/handler.ts",
    description: "Contacts API: CRUD, lists, and company associations",
    tableAccess: "readWrite",
  },
  companies: {
    entry: "functions/companies/handler.ts",
    description: "Companies API: CRUD and lists",
    tableAccess: "readWrite",
  },
  customFields: {
    entry: "functions/custom-fields/handler.ts",
    description: "Custom field definitions per entity",
    tableAccess: "readWrite",
  },
  openapi: {
    entry: "functions/openapi/handler.ts",
    description: "Serves the OpenAPI 3.1 document",
    tableAccess: "none",
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof functions;
