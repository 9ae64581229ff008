import { Hono } from "hono";
import { roomUpgradeRequest } from "../chat-room/room-handshake";
import { roomStub } from "../chat-room/room-stub";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { requireTrustedOrigin } from "../middleware/origin";
import { roomAccess } from "../middleware/room-access";
import { requireSession } from "../middleware/session";
import { joinRoom } from "../rooms/room-directory";
import { recordSessionRoom } from "../session-sockets";

// Attachments are capped at 2 KiB; profile fields from OAuth providers are not.
const MAX_NAME = 64;
const MAX_IMAGE_URL = 512;

/** `GET /` relative to a room: the WebSocket upgrade, after origin, session and access checks. */
export const roomSocketRoutes = new Hono<AppEnv>().get(
	"/",
	requireTrustedOrigin,
	requireSession,
	roomAccess,
	async (c) => {
		if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
			return jsonError(c, 426, "upgrade_required", "This endpoint only accepts WebSocket upgrades.");
		}
		const user = c.var.user;
		const session = c.var.session;
		if (!user || !session) throw new Error("requireSession let an anonymous request through");
		const image = user.image && user.image.length <= MAX_IMAGE_URL ? user.image : null;
		const request = roomUpgradeRequest({
			roomId: c.var.roomId,
			user: { id: user.id, name: user.name.slice(0, MAX_NAME), image },
			sessionId: session.id,
			sessionExpiresAt: new Date(session.expiresAt).getTime(),
		});
		// Opening a public room joins it, as clicking a channel does in most chat apps.
		if (c.var.room.lastReadSeq === null) await joinRoom(getDb(c.env.DB), c.var.roomId, user.id, c.var.room.latestSeq);
		// Recorded before the upgrade, so a sign-out racing this request still finds the socket.
		await recordSessionRoom(c.env, session.id, c.var.roomId);
		return roomStub(c.env, c.var.roomId).fetch(request);
	},
);
