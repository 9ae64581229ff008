import { Hono } from "hono";
import { getAuth } from "../../auth";
import { withEmulatorRouting } from "../dev-tools/emulator-routing";
import { DEV_TOOLS } from "../dev-tools/flag";
import type { AppEnv } from "../env";

/** A 429 from Better Auth's rate limiter carries only its own `X-Retry-After`; add the standard header. */
function standardRateLimit(response: Response): Response {
	const retryAfter = response.headers.get("x-retry-after");
	if (response.status !== 429 || !retryAfter) return response;
	const headers = new Headers(response.headers);
	headers.set("retry-after", retryAfter);
	return new Response(response.body, { status: 429, statusText: response.statusText, headers });
}

/** Everything under /api/auth belongs to Better Auth (sign-in, OAuth callbacks, sessions, sign-out). */
export const authRoutes = new Hono<AppEnv>().on(["GET", "POST"], "/*", async (c) => {
	const handle = (request: Request) => getAuth(c.env).handler(request);
	// Development and tests only: the whole branch is dropped from a production build.
	if (DEV_TOOLS) return standardRateLimit(await withEmulatorRouting(c, handle));
	return standardRateLimit(await handle(c.req.raw));
});
