import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { DEFAULT_ROOM_ID, parseRoomId } from "../protocol/room-id";

/**
 * Validates `:room` (or uses the default room on alias routes) and puts it on `c.var.roomId`.
 * Only canonical ids pass: a Durable Object name is never derived from unchecked input.
 */
export const roomIdParam = createMiddleware<AppEnv>(async (c, next) => {
	const raw = c.req.param("room");
	const roomId = raw === undefined ? DEFAULT_ROOM_ID : parseRoomId(raw);
	if (!roomId) {
		return jsonError(
			c,
			400,
			"bad_room_id",
			"Room ids are 1-64 lower-case letters, digits or dashes, starting with a letter or digit.",
		);
	}
	c.set("roomId", roomId);
	await next();
});
