import { Hono } from "hono";
import * as v from "valibot";
import { readMailbox } from "../dev-tools/local-mailbox";
import { isLocalDevelopment } from "../dev-tools/local-only";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { validate } from "../middleware/validate";

/**
 * `GET /api/dev/mailbox?to=`: development and tests only (mounted only when the build has the dev
 * tools), and only on loopback over http: the mail the app "sent" to an address. A function, so a
 * build without the dev tools, which never calls it, drops it entirely.
 */
export const devMailboxRoutes = () =>
	new Hono<AppEnv>().get("/mailbox", validate("query", v.object({ to: v.pipe(v.string(), v.email()) })), async (c) => {
		if (!isLocalDevelopment(c.req.url, c.env)) {
			return jsonError(c, 404, "not_found", "The local mailbox exists only in local development.");
		}
		return c.json({ mails: await readMailbox(c.env.SESSION_KV, c.req.valid("query").to) });
	});
