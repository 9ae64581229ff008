import { DurableObject } from "cloudflare:workers";
import { getDb } from "../db";
import type { HistoryPage, RoomStats } from "../protocol/http-api";
import {
	CLOSE_LEFT_ROOM,
	CLOSE_SESSION_ENDED,
	frameExceedsLimit,
	MAX_FRAME_BYTES,
	PING_FRAME,
	PONG_FRAME,
	PROTOCOL_VERSION,
	parseClientMessage,
} from "../protocol/room-protocol";
import { recordLatestSeq } from "../rooms/room-directory";
import { type FanoutResult, fanOut } from "../session-sockets";
import { admit } from "./admission";
import { AlarmSchedule } from "./alarm-schedule";
import { FrameBudget, refusedOverBudget } from "./frame-budget";
import { broadcastFrame, sendFrame } from "./frames";
import { LatestSeqMirror } from "./latest-seq-mirror";
import { MessageStore } from "./message-store";
import { PresenceTracker } from "./presence";
import { RateLimiter } from "./rate-limit";
import { resumeFrames } from "./resume";
import { nextPruneAt, PRUNE_CONTINUE_MS, PRUNE_DELAY_MS, pruneBatch } from "./retention";
import { RevokedSessions } from "./revoked-sessions";
import { type RoomConfig, readRoomConfig } from "./room-config";
import { readRoomConnection } from "./room-handshake";
import { migrateRoomSchema } from "./room-schema";
import { roomStats } from "./room-stats";
import { SendBatcher } from "./send-batcher";
import { closeExpiredSockets, closeQuietly } from "./session-expiry";
import { AttachmentCache, type SocketAttachment, sessionTag, userTag } from "./socket-attachment";
import { TypingRelay } from "./typing-relay";

/**
 * One chat room: hibernatable WebSockets in, ordered durable messages out. The class is the
 * lifecycle; each job it runs lives in a module of its own:
 *
 * | event   | what happens                                                                         |
 * | ------- | ------------------------------------------------------------------------------------ |
 * | start   | schema migrations (room-schema), config, stores                                      |
 * | connect | admission: revoked sessions refused, socket cap (admission)                          |
 * | frame   | session expiry, frame budget (frame-budget), size, parse; then hello, send, typing   |
 * | hello   | welcome, replay or reset (resume), presence (presence), latest seq copy (mirror)     |
 * | send    | batched store, ack and broadcast (send-batcher), rate limit (rate-limit)             |
 * | close   | presence grace (presence)                                                            |
 * | alarm   | pruning (retention), expired sessions (session-expiry), revoked sessions forgotten   |
 */
export class ChatRoomDurableObject extends DurableObject<Env> {
	private readonly config: RoomConfig;
	private readonly store: MessageStore;
	private readonly attachments = new AttachmentCache();
	private readonly budget: FrameBudget;
	private readonly revoked: RevokedSessions;
	private readonly sends: SendBatcher;
	private readonly presence: PresenceTracker;
	private readonly mirror: LatestSeqMirror;
	private readonly alarms: AlarmSchedule;
	private readonly typing: TypingRelay;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		migrateRoomSchema(ctx.storage);
		this.config = readRoomConfig(env);
		this.store = new MessageStore(ctx.storage.sql);
		this.revoked = new RevokedSessions(ctx.storage.sql);
		this.budget = new FrameBudget(this.config.frameBurst, this.config.framesPerSecond);
		this.alarms = new AlarmSchedule(ctx.storage);
		this.mirror = new LatestSeqMirror(
			() => this.store.latestSeq,
			// The latest message's own time: a visit that wakes the room must not make it look active.
			(roomId, seq) => recordLatestSeq(getDb(env.DB), roomId, seq, this.store.createdAtOf(seq) ?? 0),
		);
		const limiter = new RateLimiter(ctx.storage.sql, this.config.rateLimitBurst, this.config.rateLimitPerSecond);
		this.sends = new SendBatcher(
			this.store,
			limiter,
			() => this.readyPeers(),
			(now, roomId) => {
				this.ctx.waitUntil(this.armPruneAlarm(now));
				this.mirror.changed(roomId);
			},
		);
		this.presence = new PresenceTracker(
			this.config.presenceGraceMs,
			() => this.readyPeers().flatMap((ws) => this.attachments.get(ws)?.user ?? []),
			(users) => broadcastFrame({ type: "presence", users }, this.readyPeers()),
		);
		this.typing = new TypingRelay(
			() => this.readyPeers(),
			(ws) => this.attachments.get(ws)?.user.id,
		);
		// The runtime answers pings itself; without this each keep-alive would wake the room.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
	}

	async fetch(request: Request): Promise<Response> {
		const connection = readRoomConnection(request);
		if (!connection) return new Response("Rooms are reached through the Worker.", { status: 400 });
		if (request.headers.get("Upgrade") !== "websocket") return new Response("Expected a WebSocket", { status: 426 });
		const { ctx, attachments, revoked, config } = this;
		const response = admit(ctx, attachments, revoked, connection, config.socketsPerUser, Date.now());
		// The alarm also enforces session expiry on sockets that never send another frame.
		if (response.status === 101) await this.alarms.request(connection.sessionExpiresAt);
		return response;
	}

	/**
	 * RPC from the Worker (or a room relaying for it) when a session ends: its sockets here close
	 * at once, the room refuses it from now on, and the rooms in `relay` are told in turn.
	 */
	async revokeSession(sessionId: string, expiresAt: number, relay: string[] = []): Promise<FanoutResult> {
		this.revoked.add(sessionId, expiresAt);
		await this.alarms.request(expiresAt);
		const sockets = this.ctx.getWebSockets(sessionTag(sessionId));
		for (const ws of sockets) closeQuietly(ws, CLOSE_SESSION_ENDED, "Signed out.");
		const relayed = await fanOut(this.env, relay, sessionId, expiresAt);
		return { closed: sockets.length + relayed.closed, unreached: relayed.unreached };
	}

	/** RPC from the Worker when a user leaves a private room: they lose it on every device at once. */
	async closeUser(userId: string): Promise<number> {
		const sockets = this.ctx.getWebSockets(userTag(userId));
		for (const ws of sockets) closeQuietly(ws, CLOSE_LEFT_ROOM, "You left this room.");
		return sockets.length;
	}

	/** RPC from the Worker for the room info panel: what the room keeps and what it costs. */
	async getStats(): Promise<RoomStats> {
		return roomStats(this.store, this.ctx.storage.sql, this.config);
	}

	/** RPC from the Worker: one page of history, newest last. */
	async getHistory(roomId: string, before: number | undefined, limit: number): Promise<HistoryPage> {
		const { messages, hasMore } = this.store.page(before, limit);
		return { roomId, messages, oldestSeq: this.store.oldestSeq(), latestSeq: this.store.latestSeq, hasMore };
	}

	async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		const attachment = this.attachments.get(ws);
		if (!attachment) return ws.close(1011, "Connection state lost; reconnect.");
		const now = Date.now();
		if (now >= attachment.sessionExpiresAt) {
			return closeQuietly(ws, CLOSE_SESSION_ENDED, "Session expired; sign in again.");
		}
		// Every frame costs, whatever it is: a flood of typing, hellos or garbage is refused here.
		if (refusedOverBudget(this.budget, ws, now)) return;

		if (typeof raw !== "string") {
			if (raw.byteLength > MAX_FRAME_BYTES) return ws.close(1009, "Frame too large.");
			return sendFrame(ws, { type: "error", code: "bad_frame", message: "Binary frames are not supported." });
		}
		if (frameExceedsLimit(raw)) return ws.close(1009, "Frame too large.");

		const parsed = parseClientMessage(raw);
		if (!parsed.ok) return sendFrame(ws, parsed.error);
		const frame = parsed.value;
		switch (frame.type) {
			case "hello":
				return this.hello(ws, attachment, frame.since);
			case "send":
				return this.sends.enqueue({ ws, attachment, clientId: frame.clientId, text: frame.text }, now);
			case "typing":
				return this.typing.typed(attachment, now);
		}
	}

	async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
		// Complete the closing handshake; 1005/1006 are reserved and may not be sent back.
		closeQuietly(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
		this.departed(ws);
	}

	async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
		console.warn("room socket error", error);
		closeQuietly(ws, 1011, "Socket error.");
		this.departed(ws);
	}

	/** One alarm serves every timed job: pruning, closing expired sessions, forgetting revoked ones. */
	async alarm(): Promise<void> {
		const now = Date.now();
		const { more } = pruneBatch(this.ctx.storage.sql, this.store, this.config, now);
		const prune = more ? now + PRUNE_CONTINUE_MS : nextPruneAt(this.ctx.storage.sql, this.config);
		const expiry = closeExpiredSockets(this.ctx.getWebSockets(), this.attachments, now);
		const revoked = this.revoked.prune(now);
		await this.alarms.fired([prune === null ? null : Math.max(prune, now + PRUNE_CONTINUE_MS), expiry, revoked]);
	}

	private hello(ws: WebSocket, attachment: SocketAttachment, since: number | undefined): void {
		// One resume per socket: a replay is the costliest thing a client can ask for.
		if (attachment.ready) {
			const message = "This socket already said hello; reconnect to resume again.";
			sendFrame(ws, { type: "error", code: "bad_frame", message });
			return;
		}
		sendFrame(ws, {
			type: "welcome",
			protocol: PROTOCOL_VERSION,
			roomId: attachment.roomId,
			you: attachment.user,
			connectionId: attachment.connectionId,
			oldestSeq: this.store.oldestSeq(),
			latestSeq: this.store.latestSeq,
		});
		for (const frame of resumeFrames(this.store, since)) sendFrame(ws, frame);
		// From here on this socket gets live messages; nothing can interleave with the replay above.
		this.attachments.set(ws, { ...attachment, ready: true });
		this.mirror.ensureCopied(attachment.roomId);
		// Everyone gets the new list if this user just arrived; this socket gets it either way.
		if (!this.presence.arrived(attachment.user)) sendFrame(ws, { type: "presence", users: this.presence.list() });
	}

	private departed(ws: WebSocket): void {
		const attachment = this.attachments.get(ws);
		if (!attachment?.ready) return;
		const others = this.ctx
			.getWebSockets(userTag(attachment.user.id))
			.some((peer) => peer !== ws && peer.readyState === WebSocket.OPEN && this.attachments.get(peer)?.ready);
		this.presence.departed(attachment.user, others);
	}

	/** Sockets that finished `hello`; earlier ones get what they missed from the replay instead. */
	private readyPeers(): WebSocket[] {
		return this.ctx
			.getWebSockets()
			.filter((peer) => peer.readyState === WebSocket.OPEN && this.attachments.get(peer)?.ready);
	}

	/** Arms the prune alarm if none is set, or pulls it closer once the room is over its count. */
	private async armPruneAlarm(now: number): Promise<void> {
		const overCount = this.store.latestSeq - this.store.oldestSeq() + 1 > this.config.retentionCount;
		await this.alarms.request(now + PRUNE_DELAY_MS, !overCount);
	}
}
