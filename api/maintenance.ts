import { DAY_MS, settings } from "./config";
import { getDb } from "./db";
import { retryRevocations } from "./session-sockets";
import { retryInboxRevocations } from "./user-inbox/inbox-revocations";

export type CleanupReport = {
	retriedRevocations: number;
	retriedInboxRevocations: number;
	staleGuests: number;
	endedSessionRooms: number;
	expiredInvites: number;
	expiredRevocations: number;
};

/**
 * The hourly maintenance (a Cron Trigger in wrangler.jsonc). It tells rooms and inboxes again of
 * sessions that ended while they could not be reached, and cleans up so nothing grows without bound:
 * - guests nobody has used for STALE_GUEST_DAYS (their memberships and sessions go with them;
 *   messages they sent stay in history under the name they had);
 * - `session_room` rows whose session has ended (they only serve to close live sockets);
 * - invite links that expired, and revocations of sessions that would have expired by now.
 */
export async function maintenance(env: Env, now = Date.now()): Promise<CleanupReport> {
	const db = getDb(env.DB);
	const retriedRevocations = await retryRevocations(env);
	const retriedInboxRevocations = await retryInboxRevocations(env, now);
	// Better Auth writes its dates to D1 as ISO 8601 strings, which compare in time order.
	const staleBefore = new Date(now - settings(env).STALE_GUEST_DAYS * DAY_MS).toISOString();
	const nowIso = new Date(now).toISOString();
	const guests = await db
		.deleteFrom("user")
		.where("isAnonymous", "=", 1)
		.where("createdAt", "<", staleBefore)
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom("session")
						.select("session.id")
						.whereRef("session.userId", "=", "user.id")
						.where("session.updatedAt", ">=", staleBefore),
				),
			),
		)
		.executeTakeFirst();
	const sessionRooms = await db
		.deleteFrom("session_room")
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom("session")
						.select("session.id")
						.whereRef("session.id", "=", "session_room.sessionId")
						.where("session.expiresAt", ">", nowIso),
				),
			),
		)
		.executeTakeFirst();
	const invites = await db.deleteFrom("room_invite").where("expiresAt", "<=", now).executeTakeFirst();
	const revocations = await db.deleteFrom("revoked_session").where("expiresAt", "<=", now).executeTakeFirst();
	return {
		retriedRevocations,
		retriedInboxRevocations,
		staleGuests: Number(guests.numDeletedRows),
		endedSessionRooms: Number(sessionRooms.numDeletedRows),
		expiredInvites: Number(invites.numDeletedRows),
		expiredRevocations: Number(revocations.numDeletedRows),
	};
}
