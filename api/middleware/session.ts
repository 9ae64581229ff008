import { createMiddleware } from "hono/factory";
import { getAuth } from "../../auth";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";

function sessionLoader({ fresh }: { fresh: boolean }) {
	return createMiddleware<AppEnv>(async (c, next) => {
		const result = await getAuth(c.env).api.getSession({
			headers: c.req.raw.headers,
			// With a per-request base URL, Better Auth needs the request itself to know which host it serves.
			request: c.req.raw,
			query: { disableCookieCache: fresh },
			asResponse: false,
		});
		c.set("user", result?.user ?? null);
		c.set("session", result?.session ?? null);
		await next();
	});
}

/** Puts the request's session (or null) on `c.var`; never rejects. May trust the ~60 s cookie cache. */
export const loadSession = sessionLoader({ fresh: false });

/**
 * Same, but always asks the session store: a socket can stay open for days, so it must never be
 * opened on a cached cookie whose session was already revoked.
 */
export const loadFreshSession = sessionLoader({ fresh: true });

/** Rejects with 401 JSON before any handler (or Durable Object) runs. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
	if (!c.var.user) return jsonError(c, 401, "unauthorized", "Sign in first.");
	await next();
});
