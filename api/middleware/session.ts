import { createMiddleware } from "hono/factory";
import { getAuth } from "../../auth";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";

/** Puts the request's session (or null) on `c.var`; never rejects. */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
	const result = await getAuth(c.env).api.getSession({
		headers: c.req.raw.headers,
		// With a per-request base URL, Better Auth needs the request itself to know which host it serves.
		request: c.req.raw,
		asResponse: false,
	});
	c.set("user", result?.user ?? null);
	c.set("session", result?.session ?? null);
	await next();
});

/** Rejects with 401 JSON before any handler (or Durable Object) runs. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
	if (!c.var.user) return jsonError(c, 401, "unauthorized", "Sign in first.");
	await next();
});
