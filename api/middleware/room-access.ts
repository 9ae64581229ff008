import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { settings } from "../config";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { cachedRoomAccess } from "../rooms/read-access-cache";
import { findRoomAccess } from "../rooms/room-directory";
import type { SignedInEnv } from "./session";

/** The one answer for a missing room and for a private room the user is not in: they must not differ. */
export const roomNotFound = (c: Context) =>
	jsonError(c, 404, "room_not_found", "There is no such room, or you are not a member of it.");

/**
 * Lets a request reach a room only if the room exists and the user may see it, and puts it on
 * `c.var.room`. Runs after requireSession, in the Worker: a refused request never wakes the room.
 * Missing rooms and private rooms the user is not in get the very same 404.
 */
export const roomAccess = createMiddleware<AppEnv & SignedInEnv>(async (c, next) => {
	const room = await findRoomAccess(getDb(c.env.DB), c.var.roomId, c.var.user.id);
	if (!room) return roomNotFound(c);
	c.set("room", room);
	await next();
});

/**
 * roomAccess for reading history: the same answer, reused by this isolate for a few seconds
 * (read-access-cache.ts says how long a removed member may still read, and why).
 */
export const roomReadAccess = createMiddleware<AppEnv & SignedInEnv>(async (c, next) => {
	const { roomId, user } = c.var;
	const room = await cachedRoomAccess(roomId, user.id, settings(c.env).ROOM_READ_CACHE_MS, () =>
		findRoomAccess(getDb(c.env.DB), roomId, user.id),
	);
	if (!room) return roomNotFound(c);
	c.set("room", room);
	await next();
});
