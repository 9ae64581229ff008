import { type Kysely, sql } from "kysely";
import { type Database, getDb } from "../db";
import type { MemberPage, RoomSummary, RoomVisibility } from "../protocol/http-api";
import { roomSlug } from "../protocol/room-id";
import type { Role } from "../protocol/room-protocol";
import { unreadMentions } from "./mention-records";

/** A room and where one user stands in it: what the Worker checks before a room is reached. */
export type RoomAccess = {
	id: string;
	name: string;
	visibility: RoomVisibility;
	latestSeq: number;
	/** How many messages the room ever stored (changes to messages take seqs too, not ordinals). */
	latestN: number;
	/** Null when the user is not a member. */
	lastReadSeq: number | null;
	lastReadN: number;
	role: Role;
	/** The owner; null for rooms made by the app (#general) or whose creator's account is gone. */
	createdBy: string | null;
	muted: boolean;
};

/** The user's own rooms listed at most (a sidebar, not an archive). */
const JOINED_LIMIT = 500;
/** Public rooms offered to browse, most active first. */
const BROWSE_LIMIT = 50;

export function toSummary(room: RoomAccess, mentions = { count: 0, latest: null as number | null }): RoomSummary {
	const member = room.lastReadSeq !== null;
	return {
		id: room.id,
		name: room.name,
		visibility: room.visibility,
		member,
		role: room.role,
		// The copy in D1 trails the room by up to LATEST_SEQ_COPY_MS; the read marker does not, and
		// the room is at least where the reader has read (else a live note would count it again).
		latestSeq: Math.max(room.latestSeq, room.lastReadSeq ?? 0),
		latestN: Math.max(room.latestN, room.lastReadN),
		lastReadSeq: room.lastReadSeq,
		// Ordinals, not seqs: edits, deletes and reactions never make a room unread.
		unread: member ? Math.max(0, room.latestN - room.lastReadN) : 0,
		mentions: member ? mentions.count : 0,
		latestMentionSeq: member ? mentions.latest : null,
		muted: room.muted,
	};
}

/** The owner is the room's creator; moderators are members the owner named. */
function roleOf(createdBy: string | null, userId: string, stored: string | null): Role {
	if (createdBy !== null && createdBy === userId) return "owner";
	return stored === "moderator" ? "moderator" : "member";
}

export type AccessRow = {
	id: string;
	name: string;
	visibility: RoomVisibility;
	createdBy: string | null;
	latestSeq: number;
	latestN: number;
	lastReadSeq: number | null;
	lastReadN: number | null;
	role: string | null;
	muted: number | null;
};

function toAccess(row: AccessRow, userId: string): RoomAccess {
	return {
		id: row.id,
		name: row.name,
		visibility: row.visibility,
		latestSeq: row.latestSeq,
		latestN: row.latestN,
		lastReadSeq: row.lastReadSeq ?? null,
		lastReadN: row.lastReadN ?? 0,
		role: roleOf(row.createdBy, userId, row.role),
		createdBy: row.createdBy,
		muted: row.muted === 1,
	};
}

/** Rooms with `userId`'s membership joined on: `lastReadSeq` is null where they are not a member. */
function roomsSeenBy(db: Kysely<Database>, userId: string) {
	return db
		.selectFrom("room")
		.leftJoin("room_member", (join) =>
			join.onRef("room_member.roomId", "=", "room.id").on("room_member.userId", "=", userId),
		)
		.select([
			"room.id",
			"room.name",
			"room.visibility",
			"room.createdBy",
			"room.latestSeq",
			"room.latestN",
			"room_member.lastReadSeq",
			"room_member.lastReadN",
			"room_member.role",
			"room_member.muted",
		]);
}

/** The query behind findRoomAccess, for callers that send it in a batch with others. */
export function roomAccessQuery(db: Kysely<Database>, roomId: string, userId: string) {
	return roomsSeenBy(db, userId).where("room.id", "=", roomId);
}

/** A row of roomAccessQuery as access: null when it does not exist *or* is private and the user is not a member. */
export function accessFromRow(row: AccessRow | undefined, userId: string): RoomAccess | null {
	if (!row) return null;
	const access = toAccess(row, userId);
	return access.visibility === "private" && access.lastReadSeq === null ? null : access;
}

/**
 * The room as `userId` may see it, or null when it does not exist *or* is private and the user is
 * not a member: both answers must be the same, so a private room cannot be discovered by probing.
 */
export async function findRoomAccess(db: Kysely<Database>, roomId: string, userId: string): Promise<RoomAccess | null> {
	return accessFromRow(await roomAccessQuery(db, roomId, userId).executeTakeFirst(), userId);
}

/**
 * The user's rooms by name (ignoring case), then public rooms they have not joined, most recently
 * active first: by name, 200 rooms called "0…" would push the real ones out of sight.
 */
export async function listRooms(db: Kysely<Database>, userId: string): Promise<RoomSummary[]> {
	const [joined, browse, mentions] = await Promise.all([
		roomsSeenBy(db, userId)
			.where("room_member.userId", "is not", null)
			.orderBy((eb) => eb.fn("lower", ["room.name"]))
			.limit(JOINED_LIMIT)
			.execute(),
		roomsSeenBy(db, userId)
			.where("room.visibility", "=", "public")
			.where("room_member.userId", "is", null)
			.orderBy("room.lastMessageAt", "desc")
			.orderBy("room.createdAt", "desc")
			.limit(BROWSE_LIMIT)
			.execute(),
		unreadMentions(db, userId),
	]);
	return [...joined, ...browse].map((row) => toSummary(toAccess(row, userId), mentions.get(row.id)));
}

/** The rooms the user is a member of, the same ones the sidebar lists: what their inbox watches. */
export async function joinedRoomIds(db: Kysely<Database>, userId: string): Promise<string[]> {
	const rows = await db
		.selectFrom("room_member")
		.innerJoin("room", "room.id", "room_member.roomId")
		.select("room_member.roomId")
		.where("room_member.userId", "=", userId)
		.orderBy((eb) => eb.fn("lower", ["room.name"]))
		.limit(JOINED_LIMIT)
		.execute();
	return rows.map((row) => row.roomId);
}

/** D1 binds at most 100 values per query: room ids are asked this many at a time. */
const IDS_PER_QUERY = 90;

/** Which of `roomIds` the user is a member of now. */
export async function joinedAmong(db: Kysely<Database>, userId: string, roomIds: string[]): Promise<Set<string>> {
	const joined = new Set<string>();
	for (let i = 0; i < roomIds.length; i += IDS_PER_QUERY) {
		const rows = await db
			.selectFrom("room_member")
			.select("roomId")
			.where("userId", "=", userId)
			.where("roomId", "in", roomIds.slice(i, i + IDS_PER_QUERY))
			.execute();
		for (const row of rows) joined.add(row.roomId);
	}
	return joined;
}

/** How many rooms the user created since `since`, and when the oldest of them was made. */
export async function roomsCreatedSince(db: Kysely<Database>, userId: string, since: number) {
	const row = await db
		.selectFrom("room")
		.select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("createdAt").as("oldest")])
		.where("createdBy", "=", userId)
		.where("createdAt", ">", since)
		.executeTakeFirstOrThrow();
	return { count: Number(row.n), oldest: row.oldest === null ? null : Number(row.oldest) };
}

export type CreatedRoom = { ok: true; room: RoomAccess } | { ok: false; reason: "no_slug" | "taken" | "quota" };

/** At most `limit` rooms created by one user since `since`. */
export type RoomQuota = { limit: number; since: number };

/**
 * Creates a room and makes its creator a member, in one D1 batch (one transaction): a failure can
 * never leave a private room that nobody belongs to. A public room's id is its name's slug, so the
 * name must be free. A private room's id gets a random suffix after "--": its name then never
 * collides with (or reveals) another room, and its URL cannot be guessed from the name.
 */
export async function createRoom(
	d1: D1Database,
	userId: string,
	name: string,
	visibility: RoomVisibility,
	quota: RoomQuota,
	now = Date.now(),
): Promise<CreatedRoom> {
	const slug = roomSlug(name);
	if (!slug) return { ok: false, reason: "no_slug" };
	// A slug never contains "--", so a public name can never produce (or probe for) a private id.
	const id = visibility === "private" ? `${slug}--${randomSuffix()}` : slug;
	const db = getDb(d1);
	// The quota is part of the insert: counted and written in one statement, so requests sent in
	// parallel cannot all see room left under it.
	const insertRoom = db
		.insertInto("room")
		.columns(["id", "name", "visibility", "createdBy", "createdAt"])
		.expression(
			db
				.selectNoFrom((eb) => [
					eb.val(id).as("id"),
					eb.val(name).as("name"),
					eb.val(visibility).as("visibility"),
					eb.val(userId).as("createdBy"),
					eb.val(now).as("createdAt"),
				])
				.where(
					(eb) =>
						eb
							.selectFrom("room")
							.select((inner) => inner.fn.countAll<number>().as("n"))
							.where("createdBy", "=", userId)
							.where("createdAt", ">", quota.since),
					"<",
					quota.limit,
				),
		)
		.onConflict((oc) => oc.column("id").doNothing())
		.compile();
	// Joins only a room this very request made: a taken name must not make anyone a member of it.
	const insertCreator = db
		.insertInto("room_member")
		.columns(["roomId", "userId", "joinedAt", "lastReadSeq"])
		.expression((eb) =>
			eb
				.selectFrom("room")
				.select(["room.id", eb.val(userId).as("userId"), eb.val(now).as("joinedAt"), eb.val(0).as("lastReadSeq")])
				.where("room.id", "=", id)
				.where("room.createdBy", "=", userId)
				.where("room.createdAt", "=", now),
		)
		.onConflict((oc) => oc.columns(["roomId", "userId"]).doNothing())
		.compile();
	const [roomResult] = await d1.batch([insertRoom, insertCreator].map((q) => d1.prepare(q.sql).bind(...q.parameters)));
	if ((roomResult?.meta.changes ?? 0) === 0) {
		const recent = await roomsCreatedSince(db, userId, quota.since);
		return { ok: false, reason: recent.count >= quota.limit ? "quota" : "taken" };
	}
	return {
		ok: true,
		room: {
			id,
			name,
			visibility,
			latestSeq: 0,
			latestN: 0,
			lastReadSeq: 0,
			lastReadN: 0,
			role: "owner",
			muted: false,
			createdBy: userId,
		},
	};
}

/**
 * Adds a member. A newcomer starts with everything already sent marked read: joining a busy room
 * should not greet anyone with thousands of unread messages. Joining twice changes nothing.
 */
export async function joinRoom(
	db: Kysely<Database>,
	roomId: string,
	userId: string,
	latest: { seq: number; n: number },
	now = Date.now(),
): Promise<void> {
	await db
		.insertInto("room_member")
		.values({ roomId, userId, joinedAt: now, lastReadSeq: latest.seq, lastReadN: latest.n })
		.onConflict((oc) => oc.columns(["roomId", "userId"]).doNothing())
		.execute();
}

export async function leaveRoom(db: Kysely<Database>, roomId: string, userId: string): Promise<void> {
	await db.deleteFrom("room_member").where("roomId", "=", roomId).where("userId", "=", userId).execute();
}

/**
 * Moves the user's read marker (the seq and the ordinal of the newest message seen) forward, never
 * back (two tabs may report out of order). Not capped at the room's copy: that lags the room by a
 * moment, and a marker only affects its own user. Returns the stored marker.
 */
export async function markRead(
	db: Kysely<Database>,
	roomId: string,
	userId: string,
	read: { seq: number; n: number },
): Promise<{ lastReadSeq: number; lastReadN: number }> {
	const row = await db
		.updateTable("room_member")
		.set((eb) => ({
			lastReadSeq: eb.fn("max", ["lastReadSeq", eb.val(read.seq)]),
			lastReadN: eb.fn("max", ["lastReadN", eb.val(read.n)]),
		}))
		.where("roomId", "=", roomId)
		.where("userId", "=", userId)
		.returning(["lastReadSeq", "lastReadN"])
		.executeTakeFirst();
	return { lastReadSeq: row?.lastReadSeq ?? 0, lastReadN: row?.lastReadN ?? 0 };
}

/**
 * Names a member moderator or takes it back. Only members can hold the role (leaving ends it);
 * returns false when the user is not a member.
 */
export async function setMemberRole(
	db: Kysely<Database>,
	roomId: string,
	userId: string,
	role: "moderator" | "member",
): Promise<boolean> {
	const result = await db
		.updateTable("room_member")
		.set({ role })
		.where("roomId", "=", roomId)
		.where("userId", "=", userId)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

/** A page cursor: the (name, id) of the last member shown, opaque to clients. */
function encodeCursor(name: string, id: string): string {
	return btoa(encodeURIComponent(JSON.stringify([name, id])));
}

function decodeCursor(cursor: string | undefined): [string, string] | null {
	if (!cursor) return null;
	try {
		const value: unknown = JSON.parse(decodeURIComponent(atob(cursor)));
		if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "string")
			return [value[0], value[1]];
	} catch {
		// A made-up cursor reads as the first page.
	}
	return null;
}

/** One page of a room's members by name, guests marked. */
export async function listMembers(
	db: Kysely<Database>,
	roomId: string,
	pageSize: number,
	cursor?: string,
	createdBy: string | null = null,
	prefix?: string,
): Promise<MemberPage> {
	const after = decodeCursor(cursor);
	let query = db
		.selectFrom("room_member")
		.innerJoin("user", "user.id", "room_member.userId")
		.select(["user.id", "user.name", "user.image", "user.isAnonymous", "room_member.role"])
		.where("room_member.roomId", "=", roomId);
	if (prefix) {
		// LIKE ignores ASCII case; the user's own % and _ are escaped so they match themselves.
		const escaped = prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`);
		query = query.where(sql<boolean>`"user"."name" LIKE ${`${escaped}%`} ESCAPE '\\'`);
	}
	if (after) {
		const [name, id] = after;
		query = query.where((eb) =>
			eb.or([eb("user.name", ">", name), eb.and([eb("user.name", "=", name), eb("user.id", ">", id)])]),
		);
	}
	const rows = await query
		.orderBy("user.name")
		.orderBy("user.id")
		.limit(pageSize + 1)
		.execute();
	const page = rows.slice(0, pageSize);
	const last = page.at(-1);
	return {
		members: page.map((row) => ({
			id: row.id,
			name: row.name,
			image: row.image,
			guest: row.isAnonymous === 1,
			role: roleOf(createdBy, row.id, row.role),
		})),
		next: rows.length > pageSize && last ? encodeCursor(last.name, last.id) : null,
	};
}

/** What a room copies to D1: its latest seq, its message count, and when its newest message came. */
export type LatestCopy = { seq: number; n: number; at: number };

/**
 * Called by a room a moment after it stores messages or changes, so unread counts and "most
 * active" need no room wake-up. Only moves forward: copies can arrive out of order.
 */
export async function recordLatestSeq(db: Kysely<Database>, roomId: string, latest: LatestCopy): Promise<void> {
	await db
		.updateTable("room")
		.set((eb) => ({
			latestSeq: eb.fn("max", ["latestSeq", eb.val(latest.seq)]),
			latestN: eb.fn("max", ["latestN", eb.val(latest.n)]),
			lastMessageAt: eb.fn("max", ["lastMessageAt", eb.val(latest.at)]),
		}))
		.where("id", "=", roomId)
		.execute();
}

function randomSuffix(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(6));
	return Array.from(bytes, (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");
}
