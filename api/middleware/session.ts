import { createMiddleware } from "hono/factory";
import { type AuthSession, getAuth } from "../../auth";
import type { SessionUser } from "../env";
import { jsonError } from "../http-errors";

/** What a route behind `requireSession` can rely on: a verified user and their session, never null. */
export type SignedInEnv = {
	Bindings: Env;
	Variables: { user: SessionUser; session: AuthSession["session"] };
};

/** The request's session, or null. `fresh` skips the signed cookie cache and asks the store. */
export async function findSession(env: Env, request: Request, fresh: boolean): Promise<AuthSession | null> {
	return getAuth(env).api.getSession({
		headers: request.headers,
		// With a per-request base URL, Better Auth needs the request itself to know which host it serves.
		request,
		query: { disableCookieCache: fresh },
		asResponse: false,
	});
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

/** Loads the session and refuses the request (401) without one. May trust the ~60 s cookie cache. */
export const requireSession = sessionRequired(false);

/**
 * Same, but always asks the session store: a socket can stay open for days, so it must never be
 * opened on a cached cookie whose session was already revoked.
 */
export const requireFreshSession = sessionRequired(true);
