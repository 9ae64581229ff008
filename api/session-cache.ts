import type { AuthSession } from "../auth";
import { IsolateCache } from "./isolate-cache";

const sessions = new IsolateCache<AuthSession>(5_000);

/**
 * A session this isolate read from the store, by the signed cookie it was read for: reused by
 * requests that may trust a recent answer (history, room lists), never by the socket upgrade,
 * `/api/me` or the first screen, which always ask the store. Without it every API request past
 * the signed cookie cache's first minute read KV, about 5 ms of a 15 ms history page locally.
 */
export function reusedSession(cookie: string, now = Date.now()): AuthSession | undefined {
	const found = sessions.get(cookie, now);
	// The store would refuse an expired session, so a reused copy must too.
	return found && new Date(found.session.expiresAt).getTime() > now ? found : undefined;
}

/** What the store just answered for this cookie, reused for `ttlMs` (SESSION_READ_CACHE_MS). */
export function keepSession(cookie: string, found: AuthSession | null, ttlMs: number, now = Date.now()): void {
	if (found) sessions.set(cookie, found, ttlMs, now);
	else sessions.delete(cookie);
}

/**
 * A session ended, or a user changed, through this isolate (Better Auth's hooks): the next request
 * asks the store. Through another isolate, the change is seen here within the ttl.
 */
export function forgetSessions(change: { sessionId: string } | { userId: string }): void {
	sessions.deleteWhere((found) =>
		"sessionId" in change ? found.session.id === change.sessionId : found.user.id === change.userId,
	);
}
