import { Hono } from "hono";
import { MAX_IMAGE_URL } from "../avatar-hosts";
import { roomUpgradeRequest } from "../chat-room/room-handshake";
import { roomStub } from "../chat-room/room-stub";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { requireTrustedOrigin } from "../middleware/origin";
import { roomNotFound } from "../middleware/room-access";
import { roomIdParam } from "../middleware/room-id";
import { requireFreshSession } from "../middleware/session";
import { capLength, MAX_NAME_LENGTH } from "../protocol/display-text";
import { joinRoom } from "../rooms/room-directory";
import { admitRoomSocket } from "../rooms/socket-admission";
import { toldJoined } from "../user-inbox/inbox-events";

/** `GET /` relative to a room: the WebSocket upgrade, after origin, session and access checks. */
export const roomSocketRoutes = new Hono<AppEnv>().get(
	"/",
	roomIdParam,
	requireTrustedOrigin,
	requireFreshSession,
	async (c) => {
		if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
			return jsonError(c, 426, "upgrade_required", "This endpoint only accepts WebSocket upgrades.");
		}
		const { user, session, roomId } = c.var;
		// Access, the socket's record and the session's liveness in D1: one round trip (socket-admission.ts).
		const { access: room, alive } = await admitRoomSocket(c.env, roomId, user.id, session.id);
		if (!room) return roomNotFound(c);
		if (!alive) return jsonError(c, 401, "unauthorized", "Sign in first.");
		// Attachments are capped at 2 KiB; names and avatar URLs are capped where they are written too.
		const image = user.image && user.image.length <= MAX_IMAGE_URL ? user.image : null;
		const request = roomUpgradeRequest({
			roomId,
			user: { id: user.id, name: capLength(user.name, MAX_NAME_LENGTH), image, guest: user.isAnonymous === true },
			sessionId: session.id,
			sessionExpiresAt: new Date(session.expiresAt).getTime(),
			role: room.role,
		});
		// Opening a public room joins it, as clicking a channel does in most chat apps.
		if (room.lastReadSeq === null) {
			await joinRoom(getDb(c.env.DB), room.id, user.id, { seq: room.latestSeq, n: room.latestN });
			toldJoined(c.env, c.executionCtx, user.id, room.id);
		}
		return roomStub(c.env, roomId).fetch(request);
	},
);
