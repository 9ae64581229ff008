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

export async function createInvite(
	db: Kysely<Database>,
	roomId: string,
	userId: string,
	now = Date.now(),
): Promise<Invite> {
	const token = newToken();
	await db
		.insertInto("room_invite")
		.values({ token, roomId, createdBy: userId, createdAt: now, revokedAt: null })
		.execute();
	return { token, createdAt: now };
}

export async function listInvites(db: Kysely<Database>, roomId: string): Promise<Invite[]> {
	return db
		.selectFrom("room_invite")
		.select(["token", "createdAt"])
		.where("roomId", "=", roomId)
		.where("revokedAt", "is", null)
		.orderBy("createdAt", "desc")
		.execute();
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

/** The room an active invite leads to; null for unknown and revoked tokens alike. */
export async function findInviteRoom(db: Kysely<Database>, token: string) {
	return (
		(await db
			.selectFrom("room_invite")
			.innerJoin("room", "room.id", "room_invite.roomId")
			.select(["room.id", "room.name", "room.visibility", "room.latestSeq"])
			.where("room_invite.token", "=", token)
			.where("room_invite.revokedAt", "is", null)
			.executeTakeFirst()) ?? null
	);
}
