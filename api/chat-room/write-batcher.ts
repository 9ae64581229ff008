import {
	type AckFrame,
	BATCH_WINDOW_MS,
	type ErrorFrame,
	eventsFrame,
	type RoomEvent,
	type WriteFrame,
} from "../protocol/room-protocol";
import { broadcastFrame, sendFrame } from "./frames";
import { applyChangeFrame } from "./message-changes";
import type { MessageStore } from "./message-store";
import type { RateLimiter } from "./rate-limit";
import type { SocketAttachment } from "./socket-attachment";

export type QueuedWrite = { ws: WebSocket; attachment: SocketAttachment; frame: WriteFrame };
/** A queued write, and the sockets that sent it again while it waited (each gets the same ack). */
type Queued = QueuedWrite & { resentBy: WebSocket[] };

/** What one accepted write leads to: an ack for its senders, and the event it added, if any. */
type Outcome = { ack: AckFrame; event: RoomEvent | null } | { refusal: ErrorFrame };

const rateLimited = (clientId: string, retryAfterMs: number): ErrorFrame => ({
	type: "error",
	code: "rate_limited",
	message: "You are sending too quickly.",
	ref: clientId,
	retryAfterMs,
});

/**
 * Writes (new messages, edits, deletes, reactions) that arrive close together are stored in one
 * turn: every write of a turn is committed together, so a burst costs one durable commit instead
 * of one per write. Acks and broadcasts still leave only after that commit (the output gate holds
 * them), so an ack still means stored. Order is kept: the queue is flushed in arrival order, each
 * write takes the room's next seq, and a `hello` replays only what is stored while later writes
 * reach its socket live. Every kind of write counts against its user's rate limit: each one is
 * fanned out to every socket in the room.
 */
export class WriteBatcher {
	private queue: Queued[] = [];
	private lastFlushAt = 0;
	/** What waits for the next batch, by kind, author and clientId. */
	private readonly queued = new Map<string, Queued>();
	/** How many distinct writes each user has waiting, for the rate limit check at enqueue. */
	private readonly queuedByUser = new Map<string, number>();

	constructor(
		private readonly store: MessageStore,
		private readonly sql: SqlStorage,
		private readonly limiter: RateLimiter,
		/** How long after sending its author may edit a message; 0 for no limit. */
		private readonly editWindowMs: number,
		/** The sockets that get live events (those that finished `hello`). */
		private readonly peers: () => WebSocket[],
		/** Called after a batch stored events, with the batch's time and room, and whether it created messages. */
		private readonly onStored: (now: number, roomId: string, created: boolean) => void,
	) {}

	/**
	 * Queues a write, or refuses it at once when its user is over their rate limit counting what is
	 * already queued: what waits for a batch (and so costs SQL) is bounded by each user's burst,
	 * whatever a socket sends. A resend of a write still waiting costs nothing: it joins that one
	 * and gets its ack.
	 */
	enqueue(write: QueuedWrite, now = Date.now()): void {
		const { ws, attachment, frame } = write;
		const userId = attachment.user.id;
		const key = `${frame.type}\u0000${userId}\u0000${frame.clientId}`;
		const waiting = this.queued.get(key);
		if (waiting) {
			waiting.resentBy.push(ws);
			return;
		}
		const queuedByUser = this.queuedByUser.get(userId) ?? 0;
		const waitMs = this.limiter.wouldWait(userId, now, queuedByUser);
		if (waitMs > 0) {
			sendFrame(ws, rateLimited(frame.clientId, waitMs));
			return;
		}
		const queued: Queued = { ...write, resentBy: [] };
		this.queued.set(key, queued);
		this.queuedByUser.set(userId, queuedByUser + 1);
		this.queue.push(queued);
		if (this.queue.length > 1) return;
		// Busy (a batch went out moments ago): wait out the window so this batch can fill up.
		const wait = Math.max(0, this.lastFlushAt + BATCH_WINDOW_MS - now);
		setTimeout(() => this.flush(), wait);
	}

	private flush(): void {
		const batch = this.queue;
		this.queue = [];
		this.queued.clear();
		this.queuedByUser.clear();
		const now = Date.now();
		this.lastFlushAt = now;
		const events: RoomEvent[] = [];
		const replies: Array<[WebSocket, AckFrame | ErrorFrame]> = [];
		for (const write of batch) {
			try {
				const outcome = this.accept(write, now);
				const reply = "ack" in outcome ? outcome.ack : outcome.refusal;
				for (const ws of [write.ws, ...write.resentBy]) replies.push([ws, reply]);
				if ("event" in outcome && outcome.event) events.push(outcome.event);
			} catch (error) {
				// No ack goes out, so the client keeps the write and resends it under the same clientId.
				console.error("write not stored", error);
			}
		}
		this.limiter.persist();
		// One frame per socket for the whole batch: at fanout, the cost is per frame, not per byte.
		if (events.length > 0) broadcastFrame(eventsFrame(events), this.peers());
		// Acks after the batch's events: a writer then never holds seq N+1 before seq N, which its
		// client would take for a gap and fetch over HTTP.
		for (const [ws, reply] of replies) sendFrame(ws, reply);
		const roomId = batch[0]?.attachment.roomId;
		if (events.length > 0 && roomId)
			this.onStored(
				now,
				roomId,
				events.some((e) => e.kind === "create"),
			);
	}

	private accept(write: Queued, now: number): Outcome {
		const { attachment, frame } = write;
		const user = attachment.user;
		// A resend (retry, reconnect, or after eviction): the same ack, nothing new stored or sent.
		if (frame.type === "send") {
			const existing = this.store.findByClientId(user.id, frame.clientId);
			if (existing) return { ack: ack(frame.clientId, existing.seq, existing.id, existing.createdAt), event: null };
		} else {
			const existing = this.store.findChangeByClientId(user.id, frame.clientId);
			if (existing) return { ack: ack(frame.clientId, existing.seq, existing.messageId, existing.at), event: null };
		}
		// Checked at enqueue against what was queued then; a write that got in ahead since is rare.
		const waitMs = this.limiter.take(user.id, now);
		if (waitMs > 0) return { refusal: rateLimited(frame.clientId, waitMs) };

		if (frame.type === "send") {
			// A reply to a message that was pruned meanwhile is still sent, as a plain message: the
			// words matter more than the link.
			const parent = frame.replyTo ? this.store.findById(frame.replyTo) : null;
			const message = this.store.append(user, frame.text, frame.clientId, now, parent);
			return {
				ack: ack(frame.clientId, message.seq, message.id, message.createdAt),
				event: { kind: "create", seq: message.seq, message },
			};
		}
		const outcome = applyChangeFrame(this.store, this.sql, frame, attachment, now, this.editWindowMs);
		switch (outcome.kind) {
			case "changed":
				return { ack: ack(frame.clientId, outcome.event.seq, outcome.event.messageId, now), event: outcome.event };
			case "unchanged":
				// Already so (an edit to the same text, a second delete): done, at the message's rev.
				return { ack: ack(frame.clientId, outcome.message.rev, outcome.message.id, now), event: null };
			case "refused":
				return {
					refusal: { type: "error", code: outcome.code, message: outcome.message, ref: frame.clientId },
				};
		}
	}
}

const ack = (clientId: string, seq: number, id: string, createdAt: number): AckFrame => ({
	type: "ack",
	clientId,
	seq,
	id,
	createdAt,
});
