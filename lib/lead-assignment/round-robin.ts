import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { teamCursorKey } from "#lib/lead-assignment/keys";

/**
 * Takes the team's next turn: one UpdateItem that `ADD`s 1 to the team's cursor and returns the
 * new value. DynamoDB applies concurrent ADDs one after the other, so N assignments running at
 * once get N different turns, and a team of N members gets each member once: no lock, no read,
 * no retry. The item is created by the first ADD.
 */
export const takeTurn = async (teamId: string): Promise<number> => {
  const { Attributes } = await documentClient.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: teamCursorKey(teamId),
      UpdateExpression: "ADD turns :one SET entityType = :type",
      ExpressionAttributeValues: { ":one": 1, ":type": "lead-assignment-cursor" },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  const turns = Attributes?.turns;
  if (typeof turns !== "number") throw new Error(`The cursor of team ${teamId} has no turns`);
  return turns;
};
