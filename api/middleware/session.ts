import { getSessionCookie } from "better-auth/cookies";
import { createMiddleware } from "hono/factory";
import { type AuthSession, getAuth } from "../../auth";
import { settings } from "../config";
import type { SessionUser } from "../env";
import { jsonError } from "../http-errors";
import { keepSession, reusedSession } from "../session-cache";

/** What a route behind `requireSession` can rely on: a verified user and their session, never null. */
export type SignedInEnv = {
	Bindings: Env;
	Variables: { user: SessionUser; session: AuthSession["session"] };
};

/**
 * The request's session, or null. Unless `fresh`, a session this isolate read from the store in
 * the last SESSION_READ_CACHE_MS is reused (session-cache.ts); every lookup itself goes past the
 * signed cookie cache to the store, so a reused answer is never older than that bound.
 */
export async function findSession(env: Env, request: Request, fresh: boolean): Promise<AuthSession | null> {
	const cookie = getSessionCookie(request);
	const reused = cookie && !fresh ? reusedSession(cookie) : undefined;
	if (reused) return reused;
	const found = await getAuth(env).api.getSession({
		headers: request.headers,
		// With a per-request base URL, Better Auth needs the request itself to know which host it serves.
		request,
		query: { disableCookieCache: true },
		asResponse: false,
	});
	if (cookie) keepSession(cookie, found, settings(env).SESSION_READ_CACHE_MS);
	return found;
}

function sessionRequired(fresh: boolean) {
	return createMiddleware<SignedInEnv>(async (c, next) => {
		const found = await findSession(c.env, c.req.raw, fresh);
		// Answered before any handler (or Durable Object) runs.
		if (!found) return jsonError(c, 401, "unauthorized", "Sign in first.");
		c.set("user", found.user);
		c.set("session", found.session);
		await next();
	});
}

/** Loads the session and refuses the request (401) without one. May reuse this isolate's recent read. */
export const requireSession = sessionRequired(false);

/**
 * Same, but always asks the session store: a socket can stay open for days, so it must never be
 * opened on a cached cookie whose session was already revoked.
 */
export const requireFreshSession = sessionRequired(true);
