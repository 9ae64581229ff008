import { DurableObject } from "cloudflare:workers";
import { getDb } from "../db";
import type {
	ArchiveRetention,
	AuditEntry,
	EventsPage,
	HistoryAnchor,
	HistoryPage,
	RoomStats,
	SyncHealth,
} from "../protocol/http-api";
import {
	CLOSE_LEFT_ROOM,
	CLOSE_PROTOCOL_OUTDATED,
	CLOSE_SESSION_ENDED,
	frameExceedsLimit,
	MAX_FRAME_BYTES,
	PING_FRAME,
	PONG_FRAME,
	PROTOCOL_VERSION,
	parseClientMessage,
	type Role,
} from "../protocol/room-protocol";
import { findMembers, recordMentions } from "../rooms/mention-records";
import { recordLatestSeq } from "../rooms/room-directory";
import { type FanoutResult, fanOut } from "../session-sockets";
import { inboxStub } from "../user-inbox/inbox-stub";
import { ActivityNotes, toldOfDeleted } from "./activity-notes";
import { admit } from "./admission";
import { AlarmSchedule } from "./alarm-schedule";
import { ArchiveSync, type BlockDigest } from "./archive-sync";
import { FrameBudget, refusedOverBudget } from "./frame-budget";
import { broadcastFrame, sendFrame } from "./frames";
import { eventsPage, historyPage } from "./history-reads";
import { LatestSeqMirror } from "./latest-seq-mirror";
import { moderationLog } from "./message-changes";
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
import { closeExpiredSockets, closeQuietly } from "./session-expiry";
import { AttachmentCache, type SocketAttachment, sessionTag, userTag } from "./socket-attachment";
import { TypingRelay } from "./typing-relay";
import { WriteBatcher } from "./write-batcher";

/**
 * One chat room: hibernatable WebSockets in, one ordered durable log out (new messages and the
 * changes made to them). The class is the lifecycle; each job it runs lives in a module of its own:
 *
 * | event   | what happens                                                                         |
 * | ------- | ------------------------------------------------------------------------------------ |
 * | start   | schema migrations (room-schema), config, stores                                      |
 * | connect | admission: revoked sessions refused, socket cap (admission)                          |
 * | frame   | session expiry, frame budget (frame-budget), size, parse; then hello, writes, typing |
 * | hello   | protocol check, welcome, replay or reset (resume), presence, latest seq copy (mirror)|
 * | write   | send/edit/delete/react: batched store, ack, broadcast (write-batcher), rules          |
 * |         | (message-changes), rate limit (rate-limit)                                           |
 * | close   | presence grace (presence)                                                            |
 * | alarm   | pruning (retention), expired sessions (session-expiry), revoked sessions forgotten   |
 */
export class ChatRoomDurableObject extends DurableObject<Env> {
	private readonly config: RoomConfig;
	private readonly store: MessageStore;
	private readonly attachments = new AttachmentCache();
	private readonly budget: FrameBudget;
	private readonly revoked: RevokedSessions;
	private readonly writes: WriteBatcher;
	private readonly presence: PresenceTracker;
	private readonly mirror: LatestSeqMirror;
	private readonly alarms: AlarmSchedule;
	private readonly typing: TypingRelay;
	private readonly archive: ArchiveSync;
	private readonly activity: ActivityNotes;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		migrateRoomSchema(ctx.storage);
		this.config = readRoomConfig(env);
		this.store = new MessageStore(ctx.storage.sql);
		this.archive = new ArchiveSync(ctx.storage.sql, this.store, env.DB);
		this.revoked = new RevokedSessions(ctx.storage.sql);
		this.budget = new FrameBudget(this.config.frameBurst, this.config.framesPerSecond);
		this.alarms = new AlarmSchedule(ctx.storage);
		this.mirror = new LatestSeqMirror(
			() => this.store.latestSeq,
			// The latest message's own time: a visit that wakes the room must not make it look active.
			(roomId, seq) =>
				recordLatestSeq(getDb(env.DB), roomId, {
					seq,
					n: this.store.latestN,
					at: this.store.newestCreatedAt() ?? 0,
				}),
			this.config.latestSeqCopyMs,
		);
		this.activity = new ActivityNotes(
			ctx.storage.sql,
			() => ({ seq: this.store.latestSeq, n: this.store.latestN }),
			(userId, note) => inboxStub(env, userId).roomActivity(note),
		);
		const limiter = new RateLimiter(ctx.storage.sql, this.config.rateLimitBurst, this.config.rateLimitPerSecond);
		this.writes = new WriteBatcher(
			this.store,
			ctx.storage.sql,
			limiter,
			this.config.editWindowMs,
			() => this.readyPeers(),
			(now, roomId, created, notes, deleted) => {
				// The archive copy follows a moment later, from the alarm, whatever D1 is doing.
				this.ctx.waitUntil(this.alarms.request(now + this.config.archiveCopyDelayMs));
				if (created) this.ctx.waitUntil(this.armPruneAlarm(now));
				this.mirror.changed(roomId);
				// Online members' sidebars hear of new messages (not of edits or reactions) within a
				// second, and of deleted messages that had mentioned them.
				const gone = toldOfDeleted(this.store, deleted);
				if (created || notes.length > 0 || gone.length > 0) this.activity.changed(roomId, notes, now, gone);
				// The sidebar's mention badges; the messages themselves already carry their mentions.
				if (notes.length > 0 || deleted.length > 0)
					this.ctx.waitUntil(
						recordMentions(getDb(env.DB), roomId, notes, now, deleted).catch((error: unknown) =>
							console.error("mentions not recorded in D1", error),
						),
					);
			},
			(roomId, ids) => findMembers(getDb(env.DB), roomId, ids),
			() => this.presence.list(),
		);
		this.presence = new PresenceTracker(
			this.config.presenceGraceMs,
			() => this.readyPeers().flatMap((ws) => this.attachments.get(ws)?.user ?? []),
			(delta) => broadcastFrame({ type: "presence_delta", ...delta }, this.readyPeers()),
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
		this.archive.rememberRoomId(connection.roomId);
		// History from before the archive existed (or a copy that failed) waits in the outbox.
		if (this.archive.hasPending()) await this.alarms.request(Date.now() + this.config.archiveCopyDelayMs);
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

	/** RPC from a user's inbox while their sidebar is online: note this room's activity to it. */
	async watchActivity(roomId: string, userId: string): Promise<{ latestSeq: number; latestN: number }> {
		this.activity.watch(roomId, userId);
		return { latestSeq: this.store.latestSeq, latestN: this.store.latestN };
	}

	/** RPC from the Worker when a user leaves the room: their sidebar hears no more of it. */
	async unwatchActivity(userId: string): Promise<void> {
		this.activity.unwatch(userId);
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

	/** RPC from the Worker: this room's side of the archive check. */
	async getArchiveDigest(): Promise<{ oldestSeq: number; blocks: BlockDigest[] }> {
		const oldestSeq = this.store.oldestSeq();
		return { oldestSeq, blocks: this.archive.digest(oldestSeq) };
	}

	/** RPC from the Worker (after it cleared the room's archive rows): send everything again. */
	async rebuildArchive(): Promise<number> {
		const queued = this.archive.requeueAll();
		await this.alarms.request(Date.now());
		return queued;
	}

	/** RPC from the Worker (the owner's choice): keep what the room prunes in the archive, or not. */
	async setArchiveRetention(retention: ArchiveRetention): Promise<SyncHealth> {
		this.archive.setRetention(retention);
		await this.alarms.request(Date.now());
		return this.archive.health(Date.now());
	}

	/** RPC from the dev tools only: hold the archive copy back, to show (and test) a lagging search. */
	async setArchivePaused(paused: boolean): Promise<SyncHealth> {
		this.archive.setPaused(paused);
		if (!paused) await this.alarms.request(Date.now());
		return this.archive.health(Date.now());
	}

	/** RPC from the Worker: how far the D1 archive is behind this room. */
	async getSync(): Promise<SyncHealth> {
		return this.archive.health(Date.now());
	}

	/** RPC from the Worker: one page of history (messages as they are now), ascending. */
	async getHistory(roomId: string, anchor: HistoryAnchor, limit: number): Promise<HistoryPage> {
		return historyPage(this.store, roomId, anchor, limit);
	}

	/** RPC from the Worker: the log after `after`, for a client that found a gap in what it was sent. */
	async getEvents(after: number): Promise<EventsPage> {
		return eventsPage(this.store, after);
	}

	/** RPC from the Worker: the earlier texts of a message; null when it is gone or deleted. */
	async getVersions(messageId: string): Promise<Array<{ text: string; at: number }> | null> {
		const message = this.store.findById(messageId);
		if (!message || message.deleted) return null;
		return this.store.versions(messageId);
	}

	/** RPC from the Worker (which checked the reader is the owner or a moderator): moderator deletions. */
	async getAudit(): Promise<AuditEntry[]> {
		return moderationLog(this.ctx.storage.sql);
	}

	/** RPC from the Worker after D1 changed a member's role: their open sockets act on it at once. */
	async setRole(userId: string, role: Role): Promise<number> {
		const sockets = this.ctx.getWebSockets(userTag(userId));
		for (const ws of sockets) {
			const attachment = this.attachments.get(ws);
			if (!attachment) continue;
			this.attachments.set(ws, { ...attachment, role });
			if (attachment.ready) sendFrame(ws, { type: "role", role });
		}
		return sockets.length;
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
				return this.hello(ws, attachment, frame.since, frame.protocol);
			case "send":
			case "edit":
			case "delete":
			case "react":
				return this.writes.enqueue({ ws, attachment, frame }, now);
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
		const archive = await this.archive.drain(now);
		await this.alarms.fired([
			prune === null ? null : Math.max(prune, now + PRUNE_CONTINUE_MS),
			expiry,
			revoked,
			archive,
		]);
	}

	private hello(ws: WebSocket, attachment: SocketAttachment, since: number | undefined, protocol?: number): void {
		// One resume per socket: a replay is the costliest thing a client can ask for.
		if (attachment.ready) {
			const message = "This socket already said hello; reconnect to resume again.";
			sendFrame(ws, { type: "error", code: "bad_frame", message });
			return;
		}
		// A tab left open across a deploy speaks an older protocol: tell it plainly, then close, so
		// the app asks for a reload instead of misreading frames or reconnecting in a loop.
		if (protocol === undefined || protocol < PROTOCOL_VERSION) {
			const message = `This page speaks protocol ${protocol ?? "3 or older"}; the room speaks ${PROTOCOL_VERSION}. Reload the page.`;
			sendFrame(ws, { type: "error", code: "protocol_outdated", message });
			closeQuietly(ws, CLOSE_PROTOCOL_OUTDATED, "Protocol outdated; reload.");
			return;
		}
		sendFrame(ws, {
			type: "welcome",
			protocol: PROTOCOL_VERSION,
			roomId: attachment.roomId,
			you: attachment.user,
			role: attachment.role,
			connectionId: attachment.connectionId,
			oldestSeq: this.store.oldestSeq(),
			latestSeq: this.store.latestSeq,
		});
		for (const frame of resumeFrames(this.store, since)) sendFrame(ws, frame);
		// From here on this socket gets live messages; nothing can interleave with the replay above.
		this.attachments.set(ws, { ...attachment, ready: true });
		this.mirror.ensureCopied(attachment.roomId);
		// This socket gets the whole list (capped); everyone hears of an arrival in the next delta.
		this.presence.arrived(attachment.user);
		sendFrame(ws, { type: "presence", ...this.presence.snapshot() });
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
		const overCount = this.store.latestN - this.store.oldestN() + 1 > this.config.retentionCount;
		await this.alarms.request(now + PRUNE_DELAY_MS, !overCount);
	}
}
