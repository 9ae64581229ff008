import { CLOSE_DISPLACED } from "../protocol/room-protocol";
import type { RevokedSessions } from "./revoked-sessions";
import type { RoomConnection } from "./room-handshake";
import { closeQuietly } from "./session-expiry";
import { type AttachmentCache, sessionTag, userTag } from "./socket-attachment";

/**
 * Lets a connection the Worker verified into the room: refuses a session the room was told has
 * ended, accepts the socket as hibernatable, and keeps the user within their socket cap. Returns
 * the response to the upgrade.
 */
export function admit(
	ctx: DurableObjectState,
	attachments: AttachmentCache,
	revoked: RevokedSessions,
	connection: RoomConnection,
	socketsPerUser: number,
	now: number,
): Response {
	// A sign-out can land between the Worker's session check and this line; the room heard of it.
	if (revoked.has(connection.sessionId)) {
		return Response.json({ error: { code: "unauthorized", message: "Sign in first." } }, { status: 401 });
	}
	const { 0: client, 1: server } = new WebSocketPair();
	const mine = ctx.getWebSockets(userTag(connection.user.id));
	// Tags let the room find a user's or a session's sockets without waking every attachment.
	ctx.acceptWebSocket(server, [userTag(connection.user.id), sessionTag(connection.sessionId)]);
	attachments.set(server, {
		roomId: connection.roomId,
		user: connection.user,
		connectionId: crypto.randomUUID(),
		sessionId: connection.sessionId,
		sessionExpiresAt: connection.sessionExpiresAt,
		ready: false,
		openedAt: now,
		role: connection.role,
	});
	// Each socket costs memory and a frame per broadcast, so one user holds a bounded number.
	// The newest wins: the oldest is usually a forgotten tab or a link that died silently.
	const over = mine.length + 1 - socketsPerUser;
	if (over > 0) {
		const openedAt = (ws: WebSocket) => attachments.get(ws)?.openedAt ?? 0;
		const oldest = mine.sort((a, b) => openedAt(a) - openedAt(b)).slice(0, over);
		for (const ws of oldest) closeQuietly(ws, CLOSE_DISPLACED, "Opened in too many places.");
	}
	return new Response(null, { status: 101, webSocket: client });
}
