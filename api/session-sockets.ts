import { roomStub } from "./chat-room/room-stub";
import { getDb } from "./db";

/** Rooms one invocation tells directly when a session ends; each of them relays to its share of the rest. */
export const FANOUT_WIDTH = 25;

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

/** What telling rooms of an ended session achieved: sockets closed, and rooms that were not reached. */
export type FanoutResult = { closed: number; unreached: string[] };

/** Tells each room in `rooms` (through the relay tree) that the session ended. */
export async function fanOut(env: Env, rooms: string[], sessionId: string, expiresAt: number): Promise<FanoutResult> {
	const results = await Promise.all(
		fanoutGroups(rooms).map(({ head, relay }) =>
			roomStub(env, head)
				.revokeSession(sessionId, expiresAt, relay)
				.catch((error: unknown): FanoutResult => {
					// One unreachable room must not keep the others open: it (and the rooms it would have
					// told) are reported back, kept on record and told again by the hourly maintenance.
					console.error("session revocation not delivered", head, error);
					return { closed: 0, unreached: [head, ...relay] };
				}),
		),
	);
	return {
		closed: results.reduce((sum, r) => sum + r.closed, 0),
		unreached: results.flatMap((r) => r.unreached),
	};
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
	const { closed, unreached } = await fanOut(
		env,
		rows.map((r) => r.roomId),
		sessionId,
		expiresAt,
	);
	await forgetReached(env, sessionId, unreached);
	return closed;
}

/** Drops the session's socket records except those of rooms still to be told. */
async function forgetReached(env: Env, sessionId: string, unreached: string[]): Promise<void> {
	let query = getDb(env.DB).deleteFrom("session_room").where("sessionId", "=", sessionId);
	if (unreached.length > 0) query = query.where("roomId", "not in", unreached);
	await query.execute();
}

/** Revocations retried per maintenance run, so one run stays well inside its limits. */
const RETRY_SESSIONS = 20;

/**
 * Tells rooms again of sessions that ended while they could not be reached (their records are
 * still in `session_room`, the session in `revoked_session`). Run by the hourly maintenance.
 */
export async function retryRevocations(env: Env): Promise<number> {
	const db = getDb(env.DB);
	const pending = await db
		.selectFrom("session_room")
		.innerJoin("revoked_session", "revoked_session.sessionId", "session_room.sessionId")
		.select(["session_room.sessionId", "session_room.roomId", "revoked_session.expiresAt"])
		.orderBy("session_room.sessionId")
		.limit(RETRY_SESSIONS * FANOUT_WIDTH)
		.execute();
	const bySession = new Map<string, { expiresAt: number; rooms: string[] }>();
	for (const row of pending) {
		const entry = bySession.get(row.sessionId) ?? { expiresAt: row.expiresAt, rooms: [] };
		entry.rooms.push(row.roomId);
		bySession.set(row.sessionId, entry);
	}
	let told = 0;
	for (const [sessionId, { expiresAt, rooms }] of [...bySession].slice(0, RETRY_SESSIONS)) {
		const { unreached } = await fanOut(env, rooms, sessionId, expiresAt);
		await forgetReached(env, sessionId, unreached);
		told += rooms.length - unreached.length;
	}
	return told;
}
