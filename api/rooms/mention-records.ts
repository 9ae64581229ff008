import type { Kysely } from "kysely";
import type { Database } from "../db";

/** A user told of a message: a row for the sidebar's mention badge. */
export type MentionNote = { userId: string; messageId: string; seq: number; n: number };

/** D1 binds at most 100 parameters per statement: ids are looked up and rows written in chunks. */
const CHUNK = 90;
const ROWS_PER_INSERT = 14; // 6 columns each, 84 parameters

function chunks<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/** Which of these users are members of the room, with their names now. */
export async function findMembers(db: Kysely<Database>, roomId: string, ids: string[]): Promise<Map<string, string>> {
	const found = new Map<string, string>();
	for (const part of chunks(ids, CHUNK)) {
		const rows = await db
			.selectFrom("room_member")
			.innerJoin("user", "user.id", "room_member.userId")
			.select(["user.id", "user.name"])
			.where("room_member.roomId", "=", roomId)
			.where("room_member.userId", "in", part)
			.execute();
		for (const row of rows) found.set(row.id, row.name);
	}
	return found;
}

/**
 * Records who was told of which message; a row already there stays (nobody counts twice). A
 * deleted message's rows go: a tombstone is nobody's news.
 */
export async function recordMentions(
	db: Kysely<Database>,
	roomId: string,
	notes: MentionNote[],
	at: number,
	deleted: string[] = [],
) {
	for (const part of chunks(deleted, CHUNK)) {
		await db.deleteFrom("mention").where("roomId", "=", roomId).where("messageId", "in", part).execute();
	}
	for (const part of chunks(notes, ROWS_PER_INSERT)) {
		await db
			.insertInto("mention")
			.values(part.map((note) => ({ ...note, roomId, at })))
			.onConflict((oc) => oc.doNothing())
			.execute();
	}
}

/** Unread mentions per room for one user, and the seq of the newest (where a notification opens). */
export async function unreadMentions(db: Kysely<Database>, userId: string) {
	const rows = await db
		.selectFrom("mention")
		.innerJoin("room_member", (join) =>
			join.onRef("room_member.roomId", "=", "mention.roomId").onRef("room_member.userId", "=", "mention.userId"),
		)
		.select([
			"mention.roomId",
			(eb) => eb.fn.countAll<number>().as("count"),
			(eb) => eb.fn.max("mention.seq").as("latest"),
		])
		.where("mention.userId", "=", userId)
		.whereRef("mention.n", ">", "room_member.lastReadN")
		.groupBy("mention.roomId")
		.execute();
	return new Map(rows.map((row) => [row.roomId, { count: Number(row.count), latest: Number(row.latest) }]));
}

/** Mutes or unmutes a room for one member; false when they are not a member. */
export async function setMuted(db: Kysely<Database>, roomId: string, userId: string, muted: boolean) {
	const result = await db
		.updateTable("room_member")
		.set({ muted: muted ? 1 : 0 })
		.where("roomId", "=", roomId)
		.where("userId", "=", userId)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}
