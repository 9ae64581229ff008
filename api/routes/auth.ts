import { Hono } from "hono";
import { getAuth } from "../../auth";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import {
	EmulatorRoutingRefused,
	emulatorOrigin,
	routeAuthorizationRedirect,
	routeProviderFetches,
} from "../oauth/emulator-routing";

/** Everything under /api/auth belongs to Better Auth (sign-in, OAuth callbacks, sessions, sign-out). */
export const authRoutes = new Hono<AppEnv>().on(["GET", "POST"], "/*", async (c) => {
	let emulator: string | null;
	try {
		emulator = emulatorOrigin(c.env, c.req.url);
	} catch (error) {
		if (!(error instanceof EmulatorRoutingRefused)) throw error;
		console.error(error.message);
		return jsonError(c, 500, "oauth_emulator_refused", error.message);
	}
	if (!emulator) return getAuth(c.env).handler(c.req.raw);
	routeProviderFetches(emulator);
	return routeAuthorizationRedirect(await getAuth(c.env).handler(c.req.raw), emulator);
});
