import { Hono } from "hono";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { requireFreshSession } from "../middleware/session";
import type { MeResponse } from "../protocol/http-api";

/**
 * `GET /api/me`: the signed-in user. Asks the session store, not the cookie cache: the client
 * asks this to learn whether a closed socket's session really ended.
 */
export const meRoutes = new Hono<AppEnv>().use(requireFreshSession).get("/", async (c) => {
	const user = c.var.user;
	const accounts = await getDb(c.env.DB)
		.selectFrom("account")
		.select("providerId")
		.where("userId", "=", user.id)
		.execute();
	const isGuest = user.isAnonymous === true;
	return c.json({
		user: {
			id: user.id,
			name: user.name,
			// Guests and X accounts without an email get a placeholder address (RFC 6761 `.invalid`).
			email: isGuest || user.email.endsWith(".invalid") ? null : user.email,
			image: user.image ?? null,
			isGuest,
		},
		signInMethods: accounts.map((a) => a.providerId),
	} satisfies MeResponse);
});
