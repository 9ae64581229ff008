import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { LOOPBACK_HOSTS } from "../protocol/loopback";

/**
 * Origins allowed to open sockets: the configured public URL, or in local development (no
 * BETTER_AUTH_URL) the request's own origin when it is a loopback host. Mirrors what Better Auth
 * trusts, so a page that can sign in can also connect.
 */
function trustedOrigins(env: Env, requestUrl: string): string[] {
	const publicUrl = env.BETTER_AUTH_URL.trim();
	if (publicUrl) return [new URL(publicUrl).origin];
	const own = new URL(requestUrl);
	return LOOPBACK_HOSTS.has(own.hostname) ? [own.origin] : [];
}

function fromTrustedOrigin(c: Context<AppEnv>): boolean {
	const origin = c.req.header("origin");
	return origin !== undefined && trustedOrigins(c.env, c.req.url).includes(origin);
}

/**
 * Browsers send `Origin` on every WebSocket handshake but do not apply CORS to it, so without
 * this check any site a user visits could open a socket with their cookies (cross-site WebSocket
 * hijacking). Foreign, `null` and missing origins are all refused.
 */
export const requireTrustedOrigin = createMiddleware<AppEnv>(async (c, next) => {
	if (!fromTrustedOrigin(c)) return jsonError(c, 403, "forbidden_origin", "This origin may not open a room socket.");
	await next();
});

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cookie-authenticated writes (create, join, leave, read, invite) come only from the app's own
 * pages. SameSite=Lax cookies already stop most cross-site posts; this also covers same-site
 * attackers and browsers that ignore SameSite.
 */
export const requireTrustedOriginForWrites = createMiddleware<AppEnv>(async (c, next) => {
	if (!SAFE_METHODS.has(c.req.method) && !fromTrustedOrigin(c)) {
		return jsonError(c, 403, "forbidden_origin", "Requests that change data must come from the app itself.");
	}
	await next();
});
