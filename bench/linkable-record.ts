import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import {
  type LinkableEntityName,
  linkableEntities,
  type RecordRef,
} from "#lib/linked-records/registry";
import { newId } from "#lib/records/ids";

/**
 * A record of any linkable entity, put straight into the table (setup, not counted): a link, a
 * timeline, comments and history only need its main item to exist, so every entity of the
 * registry gets its scenarios without a fixture of its own.
 */
export const linkableRecord = async (entity: LinkableEntityName): Promise<RecordRef> => {
  const { idPrefix, key } = linkableEntities[entity];
  const id = newId(idPrefix);
  await documentClient.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...key(id), entityType: entity, id, version: 1 },
    }),
  );
  return { entity, id };
};
