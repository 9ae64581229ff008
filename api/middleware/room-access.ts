import { createMiddleware } from "hono/factory";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { findRoomAccess } from "../rooms/room-directory";
import type { SignedInEnv } from "./session";

/**
 * Lets a request reach a room only if the room exists and the user may see it, and puts it on
 * `c.var.room`. Runs after requireSession, in the Worker: a refused request never wakes the room.
 * Missing rooms and private rooms the user is not in get the very same 404.
 */
export const roomAccess = createMiddleware<AppEnv & SignedInEnv>(async (c, next) => {
	const room = await findRoomAccess(getDb(c.env.DB), c.var.roomId, c.var.user.id);
	if (!room) return jsonError(c, 404, "room_not_found", "There is no such room, or you are not a member of it.");
	c.set("room", room);
	await next();
});
