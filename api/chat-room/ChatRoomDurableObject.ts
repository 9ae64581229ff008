import { DurableObject } from "cloudflare:workers";
import { getDb } from "../db";
import type { HistoryPage, RoomStats } from "../protocol/http-api";
import {
	type AckFrame,
	BATCH_WINDOW_MS,
	type ChatMessage,
	CLOSE_DISPLACED,
	CLOSE_LEFT_ROOM,
	type ErrorFrame,
	frameExceedsLimit,
	MAX_FRAME_BYTES,
	MAX_REPLAY,
	messagesFrame,
	PING_FRAME,
	PONG_FRAME,
	PROTOCOL_VERSION,
	parseClientMessage,
	type ServerMessage,
	TYPING_THROTTLE_MS,
} from "../protocol/room-protocol";
import { recordLatestSeq } from "../rooms/room-directory";
import { MessageStore } from "./message-store";
import { PresenceTracker } from "./presence";
import { RateLimiter } from "./rate-limit";
import { planResume } from "./resume";
import { nextPruneAt, PRUNE_CONTINUE_MS, PRUNE_DELAY_MS, pruneBatch } from "./retention";
import { type RoomConfig, readRoomConfig } from "./room-config";
import { readRoomConnection } from "./room-handshake";
import { closeExpiredSockets, closeQuietly, SESSION_EXPIRED_CODE } from "./session-expiry";
import { AttachmentCache, type SocketAttachment, sessionTag, userTag } from "./socket-attachment";

type QueuedSend = { ws: WebSocket; attachment: SocketAttachment; clientId: string; text: string };

/** The room copies its latest seq to D1 (for unread counts) at most this often. */
const LATEST_SEQ_SYNC_MS = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

function send(ws: WebSocket, frame: ServerMessage): void {
	try {
		ws.send(JSON.stringify(frame));
	} catch {
		// The peer is already gone; its close handler cleans up.
	}
}

/**
 * One chat room: hibernatable WebSockets in, ordered durable messages out. Sends are queued and
 * stored in batches; storing a batch and sending its acks and broadcast happen in one synchronous
 * turn, so the output gate releases them only once the SQLite write is durable.
 */
export class ChatRoomDurableObject extends DurableObject<Env> {
	private readonly config: RoomConfig;
	private readonly store: MessageStore;
	private readonly limiter: RateLimiter;
	private readonly attachments = new AttachmentCache();
	private queue: QueuedSend[] = [];
	private lastFlushAt = 0;
	private readonly presence: PresenceTracker;
	/** When each user's last typing notice went out; a chatty client cannot flood the room. */
	private readonly typingAt = new Map<string, number>();
	private latestSeqSync: { roomId: string; timer: ReturnType<typeof setTimeout> } | null = null;
	/** Whether this instance has copied its latest seq to D1 yet (a copy may have been lost). */
	private latestSeqCopied = false;
	/** When the prune alarm fires; undefined until read back after a wake-up. */
	private alarmAt: number | null | undefined;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.config = readRoomConfig(env);
		this.store = new MessageStore(ctx.storage.sql);
		this.limiter = new RateLimiter(ctx.storage.sql, this.config.rateLimitBurst, this.config.rateLimitPerSecond);
		this.presence = new PresenceTracker(
			this.config.presenceGraceMs,
			() => this.readyPeers().flatMap((ws) => this.attachments.get(ws)?.user ?? []),
			(users) => this.broadcast({ type: "presence", users }, this.readyPeers()),
		);
		// The runtime answers pings itself; without this each keep-alive would wake the room.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
	}

	async fetch(request: Request): Promise<Response> {
		const connection = readRoomConnection(request);
		if (!connection) return new Response("Rooms are reached through the Worker.", { status: 400 });
		if (request.headers.get("Upgrade") !== "websocket") return new Response("Expected a WebSocket", { status: 426 });

		const { 0: client, 1: server } = new WebSocketPair();
		const mine = this.ctx.getWebSockets(userTag(connection.user.id));
		// Tags let the room find a user's or a session's sockets without waking every attachment.
		this.ctx.acceptWebSocket(server, [userTag(connection.user.id), sessionTag(connection.sessionId)]);
		this.attachments.set(server, {
			roomId: connection.roomId,
			user: connection.user,
			connectionId: crypto.randomUUID(),
			sessionId: connection.sessionId,
			sessionExpiresAt: connection.sessionExpiresAt,
			ready: false,
			openedAt: Date.now(),
		});
		// Each socket costs memory and a frame per broadcast, so one user holds a bounded number.
		// The newest wins: the oldest is usually a forgotten tab or a link that died silently.
		const over = mine.length + 1 - this.config.socketsPerUser;
		if (over > 0) {
			const openedAt = (ws: WebSocket) => this.attachments.get(ws)?.openedAt ?? 0;
			const oldest = mine.sort((a, b) => openedAt(a) - openedAt(b)).slice(0, over);
			for (const ws of oldest) closeQuietly(ws, CLOSE_DISPLACED, "Opened in too many places.");
		}
		// The alarm also enforces session expiry on sockets that never send another frame.
		await this.scheduleAlarm(connection.sessionExpiresAt);
		return new Response(null, { status: 101, webSocket: client });
	}

	/** RPC from the Worker when a session ends (sign-out, revocation): its sockets close at once. */
	async closeSession(sessionId: string): Promise<number> {
		const sockets = this.ctx.getWebSockets(sessionTag(sessionId));
		for (const ws of sockets) closeQuietly(ws, SESSION_EXPIRED_CODE, "Signed out.");
		return sockets.length;
	}

	/** RPC from the Worker when a user leaves a private room: they lose it on every device at once. */
	async closeUser(userId: string): Promise<number> {
		const sockets = this.ctx.getWebSockets(userTag(userId));
		for (const ws of sockets) closeQuietly(ws, CLOSE_LEFT_ROOM, "You left this room.");
		return sockets.length;
	}

	/** RPC from the Worker for the room info panel: what the room keeps and what it costs. */
	async getStats(): Promise<RoomStats> {
		const oldestSeq = this.store.oldestSeq();
		const latestSeq = this.store.latestSeq;
		return {
			// Pruning only ever removes the oldest rows, so the kept seqs form one unbroken range.
			messageCount: latestSeq - oldestSeq + 1,
			storageBytes: this.ctx.storage.sql.databaseSize,
			oldestSeq,
			latestSeq,
			oldestAt: this.store.createdAtOf(oldestSeq),
			retention: { maxMessages: this.config.retentionCount, maxDays: this.config.retentionMs / DAY_MS },
		};
	}

	/** RPC from the Worker: one page of history, newest last. */
	async getHistory(roomId: string, before: number | undefined, limit: number): Promise<HistoryPage> {
		const { messages, hasMore } = this.store.page(before, limit);
		return { roomId, messages, oldestSeq: this.store.oldestSeq(), latestSeq: this.store.latestSeq, hasMore };
	}

	async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
		const attachment = this.attachments.get(ws);
		if (!attachment) return ws.close(1011, "Connection state lost; reconnect.");
		if (Date.now() >= attachment.sessionExpiresAt) {
			return closeQuietly(ws, SESSION_EXPIRED_CODE, "Session expired; sign in again.");
		}

		if (typeof raw !== "string") {
			if (raw.byteLength > MAX_FRAME_BYTES) return ws.close(1009, "Frame too large.");
			return send(ws, { type: "error", code: "bad_frame", message: "Binary frames are not supported." });
		}
		if (frameExceedsLimit(raw)) return ws.close(1009, "Frame too large.");

		const parsed = parseClientMessage(raw);
		if (!parsed.ok) return send(ws, parsed.error);
		const frame = parsed.value;
		switch (frame.type) {
			case "hello":
				return this.hello(ws, attachment, frame.since);
			case "send":
				return this.enqueue({ ws, attachment, clientId: frame.clientId, text: frame.text });
			case "typing":
				return this.typing(attachment);
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

	/** One alarm serves two jobs: pruning old messages and closing sockets whose session ended. */
	async alarm(): Promise<void> {
		const now = Date.now();
		const { more } = pruneBatch(this.ctx.storage.sql, this.store, this.config, now);
		const prune = more ? now + PRUNE_CONTINUE_MS : nextPruneAt(this.ctx.storage.sql, this.config);
		const expiry = closeExpiredSockets(this.ctx.getWebSockets(), this.attachments, now);
		const due = [prune === null ? null : Math.max(prune, now + PRUNE_CONTINUE_MS), expiry].filter(
			(t): t is number => t !== null,
		);
		this.alarmAt = due.length ? Math.min(...due) : null;
		if (this.alarmAt !== null) await this.ctx.storage.setAlarm(this.alarmAt);
	}

	private hello(ws: WebSocket, attachment: SocketAttachment, since: number | undefined): void {
		const oldestSeq = this.store.oldestSeq();
		const latestSeq = this.store.latestSeq;
		send(ws, {
			type: "welcome",
			protocol: PROTOCOL_VERSION,
			roomId: attachment.roomId,
			you: attachment.user,
			connectionId: attachment.connectionId,
			oldestSeq,
			latestSeq,
		});
		const plan = planResume(since, oldestSeq, latestSeq);
		if (plan.kind === "reset") send(ws, { type: "reset", reason: plan.reason, oldestSeq, latestSeq });
		if (plan.kind === "replay") {
			const missed = this.store.after(plan.after, MAX_REPLAY);
			if (missed.length > 0) send(ws, messagesFrame(missed));
		}
		// From here on this socket gets live messages; nothing can interleave with the replay above.
		if (!attachment.ready) this.attachments.set(ws, { ...attachment, ready: true });
		// Rooms older than the rooms table, or whose last copy was lost to an eviction, start at 0
		// in D1; one copy per wake keeps unread counts honest.
		if (!this.latestSeqCopied && this.store.latestSeq > 0) this.syncLatestSeq(attachment.roomId);
		// Everyone gets the new list if this user just arrived; this socket gets it either way.
		if (!this.presence.arrived(attachment.user)) send(ws, { type: "presence", users: this.presence.list() });
	}

	private departed(ws: WebSocket): void {
		const attachment = this.attachments.get(ws);
		if (!attachment?.ready) return;
		const others = this.ctx
			.getWebSockets(userTag(attachment.user.id))
			.some((peer) => peer !== ws && peer.readyState === WebSocket.OPEN && this.attachments.get(peer)?.ready);
		this.presence.departed(attachment.user, others);
	}

	/** Relays "typing" to the room's other users; ephemeral, so it is neither stored nor replayed. */
	private typing(attachment: SocketAttachment): void {
		if (!attachment.ready) return;
		const now = Date.now();
		const user = attachment.user;
		if (now - (this.typingAt.get(user.id) ?? 0) < TYPING_THROTTLE_MS / 2) return;
		this.typingAt.set(user.id, now);
		const others = this.readyPeers().filter((peer) => this.attachments.get(peer)?.user.id !== user.id);
		this.broadcast({ type: "typing", user }, others);
	}

	/**
	 * Sends that arrive close together are stored in one turn: every write of a turn is committed
	 * together, so a burst costs one durable commit instead of one per message. Acks and
	 * broadcasts still leave only after that commit (the output gate holds them), so an ack still
	 * means stored. Order is kept: the queue is flushed in arrival order, and a `hello` replays
	 * only what is stored while later sends reach its socket as live messages.
	 */
	private enqueue(send: QueuedSend): void {
		this.queue.push(send);
		if (this.queue.length > 1) return;
		// Busy (a batch went out moments ago): wait out the window so this batch can fill up.
		const wait = Math.max(0, this.lastFlushAt + BATCH_WINDOW_MS - Date.now());
		setTimeout(() => this.flush(), wait);
	}

	private flush(): void {
		const batch = this.queue;
		this.queue = [];
		const now = Date.now();
		this.lastFlushAt = now;
		const stored: ChatMessage[] = [];
		const acks: Array<[WebSocket, AckFrame]> = [];
		for (const { ws, attachment, clientId, text } of batch) {
			try {
				const result = this.accept(ws, attachment, clientId, text, now);
				if (!result) continue;
				acks.push([ws, result.ack]);
				if (result.message) stored.push(result.message);
			} catch (error) {
				// No ack goes out, so the client keeps the message and resends it under the same clientId.
				console.error("send not stored", error);
			}
		}
		this.limiter.persist();
		// One frame per socket for the whole batch: at fanout, the cost is per frame, not per byte.
		if (stored.length > 0) this.broadcast(messagesFrame(stored), this.readyPeers());
		// Acks after the batch's messages: a sender then never holds seq N+1 before seq N, which
		// its client would take for a gap and fetch over HTTP.
		for (const [ws, ack] of acks) send(ws, ack);
		if (batch.length > 0) this.ctx.waitUntil(this.armPruneAlarm(now));
		const roomId = batch[0]?.attachment.roomId;
		if (stored.length > 0 && roomId) this.syncLatestSeq(roomId);
	}

	/** Copies the latest seq to D1 a moment after a batch; a burst of batches costs one write. */
	private syncLatestSeq(roomId: string): void {
		if (this.latestSeqSync) return;
		const timer = setTimeout(() => {
			this.latestSeqSync = null;
			this.latestSeqCopied = true;
			recordLatestSeq(getDb(this.env.DB), roomId, this.store.latestSeq).catch((error: unknown) =>
				console.error("latest seq not copied to D1", error),
			);
		}, LATEST_SEQ_SYNC_MS);
		this.latestSeqSync = { roomId, timer };
	}

	private accept(
		ws: WebSocket,
		attachment: SocketAttachment,
		clientId: string,
		text: string,
		now: number,
	): { ack: AckFrame; message: ChatMessage | null } | null {
		const author = attachment.user;
		const existing = this.store.findByClientId(author.id, clientId);
		if (existing) {
			// A resend (retry, reconnect, or after eviction): same ack, nothing new stored or broadcast.
			return {
				ack: { type: "ack", clientId, seq: existing.seq, id: existing.id, createdAt: existing.createdAt },
				message: null,
			};
		}
		const waitMs = this.limiter.take(author.id, now);
		if (waitMs > 0) {
			const error: ErrorFrame = {
				type: "error",
				code: "rate_limited",
				message: "You are sending messages too quickly.",
				ref: clientId,
				retryAfterMs: waitMs,
			};
			send(ws, error);
			return null;
		}
		const message = this.store.append(author, text, clientId, now);
		return { ack: { type: "ack", clientId, seq: message.seq, id: message.id, createdAt: message.createdAt }, message };
	}

	/** Sockets that finished `hello`; earlier ones get what they missed from the replay instead. */
	private readyPeers(): WebSocket[] {
		return this.ctx
			.getWebSockets()
			.filter((peer) => peer.readyState === WebSocket.OPEN && this.attachments.get(peer)?.ready);
	}

	private broadcast(frame: ServerMessage, peers: WebSocket[]): void {
		const json = JSON.stringify(frame);
		for (const peer of peers) {
			try {
				peer.send(json);
			} catch {
				// Closing socket; its close handler cleans up.
			}
		}
	}

	/** Arms the prune alarm if none is set, or pulls it closer once the room is over its count. */
	private async armPruneAlarm(now: number): Promise<void> {
		const overCount = this.store.latestSeq - this.store.oldestSeq() + 1 > this.config.retentionCount;
		await this.scheduleAlarm(now + PRUNE_DELAY_MS, !overCount);
	}

	/** Moves the alarm to `at` when that is sooner (or, with `onlyIfUnset`, only when none is set). */
	private async scheduleAlarm(at: number, onlyIfUnset = false): Promise<void> {
		if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
		if (this.alarmAt !== null && (onlyIfUnset || this.alarmAt <= at)) return;
		this.alarmAt = at;
		await this.ctx.storage.setAlarm(at);
	}
}
