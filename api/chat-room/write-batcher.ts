import {
	type AckFrame,
	BATCH_WINDOW_MS,
	type ChatMessage,
	type ErrorFrame,
	messagesFrame,
} from "../protocol/room-protocol";
import { broadcastFrame, sendFrame } from "./frames";
import type { MessageStore } from "./message-store";
import type { RateLimiter } from "./rate-limit";
import type { SocketAttachment } from "./socket-attachment";

export type QueuedSend = { ws: WebSocket; attachment: SocketAttachment; clientId: string; text: string };
/** A queued send, and the sockets that sent it again while it waited (each gets the same ack). */
type Queued = QueuedSend & { resentBy: WebSocket[] };

const rateLimited = (clientId: string, retryAfterMs: number): ErrorFrame => ({
	type: "error",
	code: "rate_limited",
	message: "You are sending messages too quickly.",
	ref: clientId,
	retryAfterMs,
});

/**
 * Sends that arrive close together are stored in one turn: every write of a turn is committed
 * together, so a burst costs one durable commit instead of one per message. Acks and broadcasts
 * still leave only after that commit (the output gate holds them), so an ack still means stored.
 * Order is kept: the queue is flushed in arrival order, and a `hello` replays only what is stored
 * while later sends reach its socket as live messages.
 */
export class SendBatcher {
	private queue: Queued[] = [];
	private lastFlushAt = 0;
	/** What waits for the next batch, by author and clientId. */
	private readonly queued = new Map<string, Queued>();
	/** How many distinct sends each user has waiting, for the rate limit check at enqueue. */
	private readonly queuedByUser = new Map<string, number>();

	constructor(
		private readonly store: MessageStore,
		private readonly limiter: RateLimiter,
		/** The sockets that get live messages (those that finished `hello`). */
		private readonly peers: () => WebSocket[],
		/** Called after a batch stored messages, with the batch's time and room. */
		private readonly onStored: (now: number, roomId: string) => void,
	) {}

	/**
	 * Queues a send, or refuses it at once when its user is over their rate limit counting what is
	 * already queued: what waits for a batch (and so costs SQL) is bounded by each user's burst,
	 * whatever a socket sends. A resend of a send still waiting costs nothing: it joins that one
	 * and gets its ack.
	 */
	enqueue(send: QueuedSend, now = Date.now()): void {
		const { ws, attachment, clientId } = send;
		const userId = attachment.user.id;
		const key = `${userId}\u0000${clientId}`;
		const waiting = this.queued.get(key);
		if (waiting) {
			waiting.resentBy.push(ws);
			return;
		}
		const queuedByUser = this.queuedByUser.get(userId) ?? 0;
		const waitMs = this.limiter.wouldWait(userId, now, queuedByUser);
		if (waitMs > 0) {
			sendFrame(ws, rateLimited(clientId, waitMs));
			return;
		}
		const queued: Queued = { ...send, resentBy: [] };
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
		const stored: ChatMessage[] = [];
		const acks: Array<[WebSocket, AckFrame]> = [];
		for (const send of batch) {
			try {
				const result = this.accept(send, now);
				if (!result) continue;
				acks.push([send.ws, result.ack]);
				for (const ws of send.resentBy) acks.push([ws, result.ack]);
				if (result.message) stored.push(result.message);
			} catch (error) {
				// No ack goes out, so the client keeps the message and resends it under the same clientId.
				console.error("send not stored", error);
			}
		}
		this.limiter.persist();
		// One frame per socket for the whole batch: at fanout, the cost is per frame, not per byte.
		if (stored.length > 0) broadcastFrame(messagesFrame(stored), this.peers());
		// Acks after the batch's messages: a sender then never holds seq N+1 before seq N, which
		// its client would take for a gap and fetch over HTTP.
		for (const [ws, ack] of acks) sendFrame(ws, ack);
		const roomId = batch[0]?.attachment.roomId;
		if (stored.length > 0 && roomId) this.onStored(now, roomId);
	}

	private accept(send: Queued, now: number): { ack: AckFrame; message: ChatMessage | null } | null {
		const { ws, attachment, clientId, text } = send;
		const author = attachment.user;
		const existing = this.store.findByClientId(author.id, clientId);
		if (existing) {
			// A resend (retry, reconnect, or after eviction): same ack, nothing new stored or broadcast.
			return { ack: ackFor(clientId, existing), message: null };
		}
		// Checked at enqueue against what was queued then; a send that got in ahead since is rare.
		const waitMs = this.limiter.take(author.id, now);
		if (waitMs > 0) {
			for (const socket of [ws, ...send.resentBy]) sendFrame(socket, rateLimited(clientId, waitMs));
			return null;
		}
		const message = this.store.append(author, text, clientId, now);
		return { ack: ackFor(clientId, message), message };
	}
}

const ackFor = (clientId: string, message: ChatMessage): AckFrame => ({
	type: "ack",
	clientId,
	seq: message.seq,
	id: message.id,
	createdAt: message.createdAt,
});
