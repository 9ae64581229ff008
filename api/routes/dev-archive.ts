import { Hono } from "hono";
import * as v from "valibot";
import { roomStub } from "../chat-room/room-stub";
import { isLocalDevelopment } from "../dev-tools/local-only";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { requireTrustedOriginForWrites } from "../middleware/origin";
import { roomAccess } from "../middleware/room-access";
import { roomIdParam } from "../middleware/room-id";
import { requireSession } from "../middleware/session";
import { validate } from "../middleware/validate";

/**
 * `PUT /api/dev/rooms/:room/archive-paused`: development and tests only, like the mailbox (mounted
 * only when the build has the dev tools, only on loopback over http, and for the room's owner).
 * Holds the room's archive copy back, so a lagging search can be seen and tested.
 */
export const devArchiveRoutes = () =>
	new Hono<AppEnv>()
		.use(requireTrustedOriginForWrites, roomIdParam, requireSession, roomAccess)
		.put("/archive-paused", validate("json", v.object({ paused: v.boolean() })), async (c) => {
			if (!isLocalDevelopment(c.req.url, c.env)) {
				return jsonError(c, 404, "not_found", "Pausing the archive copy exists only in local development.");
			}
			if (c.var.room.role !== "owner") return jsonError(c, 403, "not_allowed", "Only the room's owner pauses it.");
			return c.json(await roomStub(c.env, c.var.room.id).setArchivePaused(c.req.valid("json").paused));
		});
