import type { RemovalPolicy } from "aws-cdk-lib";
import {
  type Attribute,
  AttributeType,
  Billing,
  ProjectionType,
  StreamViewType,
  TableV2,
} from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import type { TableAccess } from "#lib/wiring/functions";
import { table as declaration } from "#lib/wiring/table";

/** The access levels that grant anything; `none` is handled by not granting at all. */
export type GrantedTableAccess = Exclude<TableAccess, "none">;

/** What a function needs from the table: its name, and a grant cut to one access level. */
export interface CrmTable {
  readonly tableName: string;
  grantAccess(grantee: IGrantable, access: GrantedTableAccess): void;
}

export interface CrmDataProps {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/**
 * Least-privilege action sets. Scan is never granted: request paths read through keys and
 * indexes only (see DESIGN.md), so a Scan in a handler fails loudly instead of quietly costing
 * O(table). ConditionCheckItem is a write-side action: transactions use it for guard items.
 */
const itemReadActions = ["dynamodb:GetItem", "dynamodb:BatchGetItem"];
const queryActions = ["dynamodb:Query"];
const writeActions = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];

/** Every key attribute holds a string: ids, prefixes and ISO-8601 timestamps sort as strings. */
const stringKey = (name: string): Attribute => ({ name, type: AttributeType.STRING });

/** The CRM's single table, built from the wiring declaration that DynamoDB Local also uses. */
export class CrmData extends Construct implements CrmTable {
  readonly table: TableV2;
  /** The ARN of each global index, named one by one so that no grant needs a wildcard. */
  readonly indexArns: readonly string[];

  constructor(scope: Construct, id: string, props: CrmDataProps) {
    super(scope, id);
    this.table = new TableV2(this, "Table", {
      partitionKey: stringKey(declaration.partitionKey),
      sortKey: stringKey(declaration.sortKey),
      billing: Billing.onDemand(),
      // Explicit because cdk-nag's DDB3 check does not look at TableV2.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      // The stream feeds the event publisher: writes never publish events themselves.
      dynamoStream: StreamViewType[declaration.stream],
      timeToLiveAttribute: declaration.timeToLiveAttribute,
      globalSecondaryIndexes: declaration.globalIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        // Lists return whole records from one Query, so the indexes carry every attribute.
        projectionType: ProjectionType.ALL,
      })),
    });
    this.indexArns = declaration.globalIndexes.map(
      (index) => `${this.table.tableArn}/index/${index.indexName}`,
    );
  }

  get tableName(): string {
    return this.table.tableName;
  }

  grantAccess(grantee: IGrantable, access: GrantedTableAccess): void {
    const tableArn = this.table.tableArn;
    const statements = [
      new PolicyStatement({ actions: itemReadActions, resources: [tableArn] }),
      new PolicyStatement({ actions: queryActions, resources: [tableArn, ...this.indexArns] }),
      ...(access === "readWrite"
        ? [new PolicyStatement({ actions: writeActions, resources: [tableArn] })]
        : []),
    ];
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }
}
