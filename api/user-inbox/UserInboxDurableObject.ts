import { DurableObject } from "cloudflare:workers";
import { roomStub } from "../chat-room/room-stub";
import { closeQuietly } from "../chat-room/session-expiry";
import { sessionTag } from "../chat-room/socket-attachment";
import { getDb } from "../db";
import type { InboxServerMessage, RoomActivityNote } from "../protocol/inbox-protocol";
import { CLOSE_SESSION_ENDED, PING_FRAME, PONG_FRAME } from "../protocol/room-protocol";
import { joinedAmong, joinedRoomIds } from "../rooms/room-directory";
import { parseInboxConnection, readInboxConnection } from "./inbox-handshake";

/** Rooms asked at once when a socket opens: a user in 500 rooms wakes them 25 at a time. */
const WATCH_WIDTH = 25;
/** A room that could not be asked (restarting) is asked once more after this long. */
const WATCH_RETRY_MS = 2_000;

/**
 * One user's inbox: the hibernatable socket their sidebar listens on, in every tab. While it has
 * a socket, each of the user's rooms knows to send it a note (at most one per room per second,
 * activity-notes.ts), which it passes on; with no socket left it tells the next room that writes
 * so, and that room forgets it. Nothing here runs on a timer but session expiry.
 */
export class UserInboxDurableObject extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		// The runtime answers keep-alive pings itself, without waking the inbox.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
		ctx.blockConcurrencyWhile(async () => {
			this.ctx.storage.sql.exec(
				"CREATE TABLE IF NOT EXISTS revoked_sessions (session_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID",
			);
		});
	}

	async fetch(request: Request): Promise<Response> {
		const connection = readInboxConnection(request);
		if (!connection) return new Response("Inboxes are reached through the Worker.", { status: 400 });
		if (request.headers.get("Upgrade") !== "websocket") return new Response("Expected a WebSocket", { status: 426 });
		// A sign-out told here before this upgrade arrived: the two are serialized by this object.
		if (this.isRevoked(connection.sessionId)) return new Response("Session ended.", { status: 401 });
		const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
		this.ctx.acceptWebSocket(server, [sessionTag(connection.sessionId)]);
		server.serializeAttachment(connection);
		await this.armExpiry(connection.sessionExpiresAt);
		this.ctx.waitUntil(this.watchRooms(connection.userId, server));
		return new Response(null, { status: 101, webSocket: client });
	}

	/** RPC from a room: it moved. False when no socket is open, so the room stops telling this inbox. */
	async roomActivity(note: RoomActivityNote): Promise<boolean> {
		return this.broadcast(note) > 0;
	}

	/** RPC from the Worker after the user joined a room: watch it too, if the sidebar is online. */
	async watchRoom(userId: string, roomId: string): Promise<void> {
		if (this.openSockets().length === 0) return;
		const { latestSeq, latestN } = await roomStub(this.env, roomId).watchActivity(roomId, userId);
		const [still] = await this.onlyJoined(userId, [{ roomId, latestSeq, latestN }]);
		if (still) this.broadcast({ type: "rooms", rooms: [still] });
	}

	/** RPC from the Worker after the user left a room (on any device). */
	async roomLeft(roomId: string): Promise<void> {
		this.broadcast({ type: "left", roomId });
	}

	/** RPC from the Worker after the user's read marker moved (on any device). */
	async readMoved(roomId: string, marker: { lastReadSeq: number; lastReadN: number }): Promise<void> {
		this.broadcast({ type: "read", roomId, ...marker });
	}

	/** RPC from the Worker when a session ends: its sockets close now, and it cannot open another. */
	async revokeSession(sessionId: string, expiresAt: number): Promise<number> {
		this.ctx.storage.sql.exec(
			"INSERT OR REPLACE INTO revoked_sessions (session_id, expires_at) VALUES (?, ?)",
			sessionId,
			expiresAt,
		);
		await this.armExpiry(expiresAt);
		const sockets = this.ctx.getWebSockets(sessionTag(sessionId));
		for (const ws of sockets) closeQuietly(ws, CLOSE_SESSION_ENDED, "Signed out.");
		return sockets.length;
	}

	async webSocketMessage(ws: WebSocket): Promise<void> {
		// Pings never get here (auto-response); the inbox has nothing else to hear.
		closeQuietly(ws, 1003, "The inbox socket takes no messages but pings.");
	}

	async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
		closeQuietly(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
	}

	async webSocketError(ws: WebSocket): Promise<void> {
		closeQuietly(ws, 1011, "Socket error.");
	}

	/** Sessions end on time even on a silent socket; revoked sessions are forgotten once expired. */
	async alarm(): Promise<void> {
		const now = Date.now();
		let next: number | null = null;
		for (const ws of this.openSockets()) {
			const connection = parseInboxConnection(ws.deserializeAttachment());
			if (!connection || connection.sessionExpiresAt <= now) {
				closeQuietly(ws, CLOSE_SESSION_ENDED, "Session expired; sign in again.");
			} else next = Math.min(next ?? connection.sessionExpiresAt, connection.sessionExpiresAt);
		}
		const sql = this.ctx.storage.sql;
		sql.exec("DELETE FROM revoked_sessions WHERE expires_at <= ?", now);
		const revoked = sql.exec<{ at: number | null }>("SELECT min(expires_at) AS at FROM revoked_sessions").one().at;
		const at = Math.min(next ?? Number.POSITIVE_INFINITY, revoked ?? Number.POSITIVE_INFINITY);
		if (Number.isFinite(at)) await this.ctx.storage.setAlarm(at);
	}

	/**
	 * Asks each of the user's rooms to note its activity here, and tells the new socket where each
	 * stands: the room list it loaded may trail the rooms by a few seconds (latest-seq-mirror.ts).
	 * A room that cannot be reached (restarting in a deploy) is asked once more a moment later; if
	 * the rooms cannot be listed at all, the socket closes so the client reconnects and asks again.
	 */
	private async watchRooms(userId: string, ws: WebSocket): Promise<void> {
		let roomIds: string[];
		try {
			roomIds = await joinedRoomIds(getDb(this.env.DB), userId);
		} catch (error) {
			console.warn("inbox could not list the user's rooms", error);
			closeQuietly(ws, 1011, "Rooms not listed; reconnect.");
			return;
		}
		const first = await this.watch(userId, roomIds);
		this.send(ws, { type: "rooms", rooms: first.watched });
		if (first.failed.length === 0) return;
		await new Promise((resolve) => setTimeout(resolve, WATCH_RETRY_MS));
		const again = await this.watch(userId, first.failed);
		if (again.watched.length > 0) this.send(ws, { type: "rooms", rooms: again.watched });
		if (again.failed.length > 0) console.warn(`inbox: ${again.failed.length} rooms not watched`);
	}

	private async watch(userId: string, roomIds: string[]) {
		const watched: Array<{ roomId: string; latestSeq: number; latestN: number }> = [];
		const failed: string[] = [];
		for (let i = 0; i < roomIds.length; i += WATCH_WIDTH) {
			const batch = roomIds.slice(i, i + WATCH_WIDTH);
			const settled = await Promise.allSettled(
				batch.map((roomId) => roomStub(this.env, roomId).watchActivity(roomId, userId)),
			);
			settled.forEach((result, j) => {
				const roomId = batch[j];
				if (roomId === undefined) return;
				if (result.status === "fulfilled") watched.push({ roomId, ...result.value });
				else failed.push(roomId);
			});
		}
		return { watched: await this.onlyJoined(userId, watched), failed };
	}

	/**
	 * The watched rooms the user is still in, after asking D1 again; the others are unwatched. A
	 * leave lands in D1 and then unwatches the room, so a watch sent from an older read of the
	 * user's rooms can reach the room after that unwatch, and would keep telling someone who left
	 * how the room moves. Read after the watch, D1 shows the leave or the leave's unwatch is yet to come.
	 */
	private async onlyJoined<T extends { roomId: string }>(userId: string, watched: T[]): Promise<T[]> {
		if (watched.length === 0) return watched;
		let joined: Set<string>;
		try {
			joined = await joinedAmong(
				getDb(this.env.DB),
				userId,
				watched.map((room) => room.roomId),
			);
		} catch (error) {
			console.warn("inbox could not check the user's rooms again", error);
			return watched;
		}
		const left = watched.filter((room) => !joined.has(room.roomId));
		await Promise.allSettled(left.map((room) => roomStub(this.env, room.roomId).unwatchActivity(userId)));
		return watched.filter((room) => joined.has(room.roomId));
	}

	private broadcast(frame: InboxServerMessage): number {
		const sockets = this.openSockets();
		const json = JSON.stringify(frame);
		for (const ws of sockets) {
			try {
				ws.send(json);
			} catch {
				// Closing; its close handler cleans up.
			}
		}
		return sockets.length;
	}

	private send(ws: WebSocket, frame: InboxServerMessage): void {
		try {
			ws.send(JSON.stringify(frame));
		} catch {
			// Gone already.
		}
	}

	private openSockets(): WebSocket[] {
		return this.ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN);
	}

	private isRevoked(sessionId: string): boolean {
		return (
			this.ctx.storage.sql.exec("SELECT 1 FROM revoked_sessions WHERE session_id = ?", sessionId).toArray().length > 0
		);
	}

	private async armExpiry(at: number): Promise<void> {
		const current = await this.ctx.storage.getAlarm();
		if (current === null || at < current) await this.ctx.storage.setAlarm(at);
	}
}
