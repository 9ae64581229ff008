import { sql } from "kysely";
import { getDb } from "../db";
import { DEFAULT_ROOM_ID } from "../protocol/room-id";

/**
 * Makes a new account a member of the default room, with everything already in it marked read:
 * a newcomer lands in #general as one of its members, not on an empty "open a room" page.
 */
export async function joinDefaultRoom(env: Env, userId: string, now = Date.now()): Promise<void> {
	await getDb(env.DB)
		.insertInto("room_member")
		.columns(["roomId", "userId", "joinedAt", "lastReadSeq", "lastReadN"])
		.expression((eb) =>
			eb
				.selectFrom("room")
				.select([
					"room.id",
					eb.val(userId).as("userId"),
					eb.val(now).as("joinedAt"),
					sql<number>`room.latestSeq`.as("lastReadSeq"),
					sql<number>`room.latestN`.as("lastReadN"),
				])
				.where("room.id", "=", DEFAULT_ROOM_ID),
		)
		.onConflict((oc) => oc.columns(["roomId", "userId"]).doNothing())
		.execute();
}
