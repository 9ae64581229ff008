import { roomStub } from "./chat-room/room-stub";
import { getDb } from "./db";

/** Remembers that a session opened a socket in a room, so ending the session can find it. */
export async function recordSessionRoom(env: Env, sessionId: string, roomId: string): Promise<void> {
	await getDb(env.DB)
		.insertInto("session_room")
		.values({ sessionId, roomId, connectedAt: Date.now() })
		.onConflict((oc) => oc.columns(["sessionId", "roomId"]).doUpdateSet({ connectedAt: Date.now() }))
		.execute();
}

/**
 * Closes every socket the session has open, in every room it connected to, and forgets the
 * session. Called when Better Auth deletes a session (sign-out, revocation, user deletion).
 */
export async function closeSessionSockets(env: Env, sessionId: string): Promise<number> {
	const db = getDb(env.DB);
	const rows = await db.selectFrom("session_room").select("roomId").where("sessionId", "=", sessionId).execute();
	const closed = await Promise.all(rows.map(({ roomId }) => roomStub(env, roomId).closeSession(sessionId)));
	await db.deleteFrom("session_room").where("sessionId", "=", sessionId).execute();
	return closed.reduce((sum, n) => sum + n, 0);
}
