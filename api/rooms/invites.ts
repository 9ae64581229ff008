import type { Kysely } from "kysely";
import type { Database } from "../db";
import type { Invite } from "../protocol/http-api";

/** 128 random bits, URL-safe: an invite link is a bearer secret. */
function newToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return btoa(String.fromCharCode(...bytes))
		.replaceAll("+", "-")
		.replaceAll("/", "_")
		.replace(/=+$/, "");
}

/** How many open invites a room may have, and (for a guest) how many of them one user may hold. */
export type InviteQuota = { perRoom: number; perUser: number | null };

/**
 * Makes an invite link, or returns null when the room (or, for a guest, the user) is at its quota.
 * The count and the insert are one statement, so parallel requests cannot all slip under it.
 */
export async function createInvite(
	db: Kysely<Database>,
	roomId: string,
	userId: string,
	ttlMs: number,
	quota: InviteQuota,
	now = Date.now(),
): Promise<Invite | null> {
	const token = newToken();
	const expiresAt = now + ttlMs;
	const result = await db
		.insertInto("room_invite")
		.columns(["token", "roomId", "createdBy", "createdAt", "revokedAt", "expiresAt"])
		.expression(
			db
				.selectNoFrom((eb) => [
					eb.val(token).as("token"),
					eb.val(roomId).as("roomId"),
					eb.val(userId).as("createdBy"),
					eb.val(now).as("createdAt"),
					eb.val(null).as("revokedAt"),
					eb.val(expiresAt).as("expiresAt"),
				])
				.where((eb) =>
					eb.and([
						eb(
							openInvites(db, roomId, now).select((inner) => inner.fn.countAll<number>().as("n")),
							"<",
							quota.perRoom,
						),
						quota.perUser === null
							? eb.val(true)
							: eb(
									openInvites(db, roomId, now)
										.select((inner) => inner.fn.countAll<number>().as("n"))
										.where("createdBy", "=", userId),
									"<",
									quota.perUser,
								),
					]),
				),
		)
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) > 0 ? { token, createdAt: now, expiresAt } : null;
}

/** Invites of the room that still admit people: not revoked, not expired. */
function openInvites(db: Kysely<Database>, roomId: string, now: number) {
	return db
		.selectFrom("room_invite")
		.where("roomId", "=", roomId)
		.where("revokedAt", "is", null)
		.where("expiresAt", ">", now);
}

export async function listInvites(db: Kysely<Database>, roomId: string, now = Date.now()): Promise<Invite[]> {
	return openInvites(db, roomId, now)
		.select(["token", "createdAt", "expiresAt"])
		.orderBy("createdAt", "desc")
		.execute();
}

/** Open invites in the room, and how many of them `userId` made. */
export async function countOpenInvites(db: Kysely<Database>, roomId: string, userId: string, now = Date.now()) {
	const row = await openInvites(db, roomId, now)
		.select((eb) => [
			eb.fn.countAll<number>().as("all"),
			eb.fn.sum<number>(eb.case().when("createdBy", "=", userId).then(1).else(0).end()).as("mine"),
		])
		.executeTakeFirstOrThrow();
	return { all: Number(row.all), mine: Number(row.mine ?? 0) };
}

/** Revokes a link of this room; true when one was still active. */
export async function revokeInvite(
	db: Kysely<Database>,
	roomId: string,
	token: string,
	now = Date.now(),
): Promise<boolean> {
	const result = await db
		.updateTable("room_invite")
		.set({ revokedAt: now })
		.where("token", "=", token)
		.where("roomId", "=", roomId)
		.where("revokedAt", "is", null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

/** The room an open invite leads to; null for unknown, revoked and expired tokens alike. */
export async function findInviteRoom(db: Kysely<Database>, token: string, now = Date.now()) {
	return (
		(await db
			.selectFrom("room_invite")
			.innerJoin("room", "room.id", "room_invite.roomId")
			.select(["room.id", "room.name", "room.visibility", "room.latestSeq", "room.latestN"])
			.where("room_invite.token", "=", token)
			.where("room_invite.revokedAt", "is", null)
			.where("room_invite.expiresAt", ">", now)
			.executeTakeFirst()) ?? null
	);
}
