import { roomStub } from "./chat-room/room-stub";
import { getDb } from "./db";

/** Rooms one invocation tells directly when a session ends; each of them relays to its share of the rest. */
export const FANOUT_WIDTH = 25;

/** Remembers that a session opened a socket in a room, so ending the session can find it. */
export async function recordSessionRoom(env: Env, sessionId: string, roomId: string): Promise<void> {
	await getDb(env.DB)
		.insertInto("session_room")
		.values({ sessionId, roomId, connectedAt: Date.now() })
		.onConflict((oc) => oc.columns(["sessionId", "roomId"]).doUpdateSet({ connectedAt: Date.now() }))
		.execute();
}

/**
 * Whether the session is still alive in D1, the store every location agrees on. KV (which the
 * session check reads first) is eventually consistent across locations, so a session signed out
 * elsewhere can still read as valid there for a while; D1 cannot.
 */
export async function sessionAliveInD1(env: Env, sessionId: string, now = Date.now()): Promise<boolean> {
	const db = getDb(env.DB);
	const [session, revoked] = await Promise.all([
		db.selectFrom("session").select("expiresAt").where("id", "=", sessionId).executeTakeFirst(),
		db.selectFrom("revoked_session").select("sessionId").where("sessionId", "=", sessionId).executeTakeFirst(),
	]);
	return session !== undefined && revoked === undefined && new Date(session.expiresAt).getTime() > now;
}

/**
 * Splits rooms into at most `width` groups. Each group's first room is called and relays to the
 * rest of its group the same way, so no invocation makes more than `width` calls however many
 * rooms a session reached (a Worker invocation has a subrequest limit; each call to a Durable
 * Object is a new invocation with its own).
 */
export function fanoutGroups(rooms: string[], width = FANOUT_WIDTH): Array<{ head: string; relay: string[] }> {
	const size = Math.ceil(rooms.length / width);
	const groups: Array<{ head: string; relay: string[] }> = [];
	for (let i = 0; i < rooms.length; i += size) {
		const [head, ...relay] = rooms.slice(i, i + size);
		if (head !== undefined) groups.push({ head, relay });
	}
	return groups;
}

/** Tells each room in `rooms` (through the relay tree) that the session ended; returns sockets closed. */
export async function fanOut(env: Env, rooms: string[], sessionId: string, expiresAt: number): Promise<number> {
	const closed = await Promise.all(
		fanoutGroups(rooms).map(({ head, relay }) =>
			roomStub(env, head)
				.revokeSession(sessionId, expiresAt, relay)
				.catch((error: unknown) => {
					// One unreachable room must not keep the others open; its socket still dies at expiry.
					console.error("session revocation not delivered", head, error);
					return 0;
				}),
		),
	);
	return closed.reduce((sum, n) => sum + n, 0);
}

/**
 * A session ended (sign-out, revocation, a deleted user): record it in D1, where the socket
 * upgrade checks it, then close its sockets in every room it connected to, each of which also
 * refuses it from now on. Called from Better Auth's session delete hook.
 */
export async function revokeSession(env: Env, sessionId: string, expiresAt: number): Promise<number> {
	const db = getDb(env.DB);
	await db
		.insertInto("revoked_session")
		.values({ sessionId, expiresAt, revokedAt: Date.now() })
		.onConflict((oc) => oc.column("sessionId").doNothing())
		.execute();
	const rows = await db.selectFrom("session_room").select("roomId").where("sessionId", "=", sessionId).execute();
	const closed = await fanOut(
		env,
		rows.map((r) => r.roomId),
		sessionId,
		expiresAt,
	);
	await db.deleteFrom("session_room").where("sessionId", "=", sessionId).execute();
	return closed;
}
