import { Hono } from "hono";
import { MAX_IMAGE_URL } from "../avatar-hosts";
import { roomUpgradeRequest } from "../chat-room/room-handshake";
import { roomStub } from "../chat-room/room-stub";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { requireTrustedOrigin } from "../middleware/origin";
import { roomAccess } from "../middleware/room-access";
import { roomIdParam } from "../middleware/room-id";
import { requireFreshSession } from "../middleware/session";
import { capLength, MAX_NAME_LENGTH } from "../protocol/display-text";
import { joinRoom } from "../rooms/room-directory";
import { recordSessionRoom, sessionAliveInD1 } from "../session-sockets";
import { toldJoined } from "../user-inbox/inbox-events";

/** `GET /` relative to a room: the WebSocket upgrade, after origin, session and access checks. */
export const roomSocketRoutes = new Hono<AppEnv>().get(
	"/",
	roomIdParam,
	requireTrustedOrigin,
	requireFreshSession,
	roomAccess,
	async (c) => {
		if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
			return jsonError(c, 426, "upgrade_required", "This endpoint only accepts WebSocket upgrades.");
		}
		const { user, session } = c.var;
		// Attachments are capped at 2 KiB; names and avatar URLs are capped where they are written too.
		const image = user.image && user.image.length <= MAX_IMAGE_URL ? user.image : null;
		const request = roomUpgradeRequest({
			roomId: c.var.roomId,
			user: { id: user.id, name: capLength(user.name, MAX_NAME_LENGTH), image, guest: user.isAnonymous === true },
			sessionId: session.id,
			sessionExpiresAt: new Date(session.expiresAt).getTime(),
			role: c.var.room.role,
		});
		// Recorded before the re-check below: a sign-out that lands after the check finds this row
		// and tells the room, and one that landed before it is seen by the check. Either way no
		// socket outlives the session.
		await recordSessionRoom(c.env, session.id, c.var.roomId);
		if (!(await sessionAliveInD1(c.env, session.id))) return jsonError(c, 401, "unauthorized", "Sign in first.");
		// Opening a public room joins it, as clicking a channel does in most chat apps.
		const { room } = c.var;
		if (room.lastReadSeq === null) {
			await joinRoom(getDb(c.env.DB), room.id, user.id, { seq: room.latestSeq, n: room.latestN });
			toldJoined(c.env, c.executionCtx, user.id, room.id);
		}
		return roomStub(c.env, c.var.roomId).fetch(request);
	},
);
