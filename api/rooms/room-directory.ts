import type { Kysely } from "kysely";
import type { Database } from "../db";
import type { RoomSummary, RoomVisibility } from "../protocol/http-api";
import { roomSlug } from "../protocol/room-protocol";

/** A room and where one user stands in it: what the Worker checks before a room is reached. */
export type RoomAccess = {
	id: string;
	name: string;
	visibility: RoomVisibility;
	latestSeq: number;
	/** Null when the user is not a member. */
	lastReadSeq: number | null;
};

/** Rooms anyone can browse; the list stays one small query even on a busy instance. */
const BROWSE_LIMIT = 200;

export function toSummary(room: RoomAccess): RoomSummary {
	const member = room.lastReadSeq !== null;
	return {
		...room,
		member,
		unread: member ? Math.max(0, room.latestSeq - (room.lastReadSeq ?? 0)) : 0,
	};
}

/** Rooms with `userId`'s membership joined on: `lastReadSeq` is null where they are not a member. */
function roomsSeenBy(db: Kysely<Database>, userId: string) {
	return db
		.selectFrom("room")
		.leftJoin("room_member", (join) =>
			join.onRef("room_member.roomId", "=", "room.id").on("room_member.userId", "=", userId),
		)
		.select(["room.id", "room.name", "room.visibility", "room.latestSeq", "room_member.lastReadSeq"]);
}

/**
 * The room as `userId` may see it, or null when it does not exist *or* is private and the user is
 * not a member: both answers must be the same, so a private room cannot be discovered by probing.
 */
export async function findRoomAccess(db: Kysely<Database>, roomId: string, userId: string): Promise<RoomAccess | null> {
	const row = await roomsSeenBy(db, userId).where("room.id", "=", roomId).executeTakeFirst();
	if (!row) return null;
	const access = { ...row, lastReadSeq: row.lastReadSeq ?? null };
	return access.visibility === "private" && access.lastReadSeq === null ? null : access;
}

/** The user's rooms, then the public rooms they have not joined, each group by name. */
export async function listRooms(db: Kysely<Database>, userId: string): Promise<RoomSummary[]> {
	const rows = await roomsSeenBy(db, userId)
		.where((eb) => eb.or([eb("room.visibility", "=", "public"), eb("room_member.userId", "is not", null)]))
		.orderBy((eb) => eb("room_member.userId", "is", null))
		.orderBy("room.name")
		.limit(BROWSE_LIMIT)
		.execute();
	return rows.map((row) => toSummary({ ...row, lastReadSeq: row.lastReadSeq ?? null }));
}

export type CreatedRoom = { ok: true; room: RoomAccess } | { ok: false; reason: "no_slug" | "taken" };

/**
 * Creates a room and makes its creator a member. A public room's id is its name's slug, so the
 * name must be free. A private room's id gets a random suffix after "--": its name then never
 * collides with (or reveals) another room, and its URL cannot be guessed from the name.
 */
export async function createRoom(
	db: Kysely<Database>,
	userId: string,
	name: string,
	visibility: RoomVisibility,
	now = Date.now(),
): Promise<CreatedRoom> {
	const slug = roomSlug(name);
	if (!slug) return { ok: false, reason: "no_slug" };
	// A slug never contains "--", so a public name can never produce (or probe for) a private id.
	const id = visibility === "private" ? `${slug}--${randomSuffix()}` : slug;
	const inserted = await db
		.insertInto("room")
		.values({ id, name, visibility, createdBy: userId, createdAt: now })
		.onConflict((oc) => oc.column("id").doNothing())
		.executeTakeFirst();
	if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return { ok: false, reason: "taken" };
	await joinRoom(db, id, userId, 0, now);
	return { ok: true, room: { id, name, visibility, latestSeq: 0, lastReadSeq: 0 } };
}

/**
 * Adds a member. A newcomer starts with everything already sent marked read: joining a busy room
 * should not greet anyone with thousands of unread messages. Joining twice changes nothing.
 */
export async function joinRoom(
	db: Kysely<Database>,
	roomId: string,
	userId: string,
	latestSeq: number,
	now = Date.now(),
): Promise<void> {
	await db
		.insertInto("room_member")
		.values({ roomId, userId, joinedAt: now, lastReadSeq: latestSeq })
		.onConflict((oc) => oc.columns(["roomId", "userId"]).doNothing())
		.execute();
}

export async function leaveRoom(db: Kysely<Database>, roomId: string, userId: string): Promise<void> {
	await db.deleteFrom("room_member").where("roomId", "=", roomId).where("userId", "=", userId).execute();
}

/**
 * Moves the user's read marker forward, never back (two tabs may report out of order). Not capped
 * at `room.latestSeq`: that copy lags the room by a moment, and a marker only affects its own user.
 * Returns the stored marker.
 */
export async function markRead(db: Kysely<Database>, roomId: string, userId: string, seq: number): Promise<number> {
	const row = await db
		.updateTable("room_member")
		.set((eb) => ({ lastReadSeq: eb.fn("max", ["lastReadSeq", eb.val(seq)]) }))
		.where("roomId", "=", roomId)
		.where("userId", "=", userId)
		.returning("lastReadSeq")
		.executeTakeFirst();
	return row?.lastReadSeq ?? 0;
}

export async function listMembers(db: Kysely<Database>, roomId: string) {
	return db
		.selectFrom("room_member")
		.innerJoin("user", "user.id", "room_member.userId")
		.select(["user.id", "user.name", "user.image"])
		.where("room_member.roomId", "=", roomId)
		.orderBy("user.name")
		.limit(500)
		.execute();
}

/** Called by a room a moment after it stores messages, so unread counts need no room wake-up. */
export async function recordLatestSeq(db: Kysely<Database>, roomId: string, seq: number): Promise<void> {
	await db
		.updateTable("room")
		.set((eb) => ({ latestSeq: eb.fn("max", ["latestSeq", eb.val(seq)]) }))
		.where("id", "=", roomId)
		.execute();
}

function randomSuffix(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(6));
	return Array.from(bytes, (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");
}
