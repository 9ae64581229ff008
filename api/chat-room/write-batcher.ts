import { mentionsHere } from "../protocol/mentions";
import {
	type AckFrame,
	BATCH_WINDOW_MS,
	type ErrorFrame,
	eventsFrame,
	type RoomEvent,
	type WriteFrame,
} from "../protocol/room-protocol";
import {
	type Addressing,
	addressedBy,
	firstTold,
	idsToResolve,
	type MemberLookup,
	type MentionNote,
} from "./addressing";
import { broadcastFrame, sendFrame } from "./frames";
import { applyChangeFrame } from "./message-changes";
import type { MessageStore } from "./message-store";
import type { RateLimiter } from "./rate-limit";
import type { SocketAttachment } from "./socket-attachment";

type SendFrame = Extract<WriteFrame, { type: "send" }>;
export type QueuedWrite = { ws: WebSocket; attachment: SocketAttachment; frame: WriteFrame };
/** A queued write, and the sockets that sent it again while it waited (each gets the same ack). */
type Queued = QueuedWrite & { resentBy: WebSocket[] };

/** What one accepted write leads to: an ack for its senders, and the event it added, if any. */
type Outcome = { ack: AckFrame; event: RoomEvent | null; notes?: MentionNote[] } | { refusal: ErrorFrame };

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
	/** Batches run one after another: one may wait for D1 to learn who its mentions are. */
	private flushing: Promise<void> = Promise.resolve();
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
		/** Called after a batch stored events: its time and room, whether it created messages, who it mentioned. */
		private readonly onStored: (
			now: number,
			roomId: string,
			created: boolean,
			notes: MentionNote[],
			/** Messages the batch deleted: their mentions are no longer news. */
			deleted: string[],
		) => void,
		/** Which mentioned users are members of the room (D1); asked only for batches that mention someone. */
		private readonly lookupMembers: MemberLookup = async () => new Map(),
		/** The users connected to the room now: whom an @here tells. */
		private readonly present: () => Array<{ id: string; name: string }> = () => [],
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
		setTimeout(() => {
			// A batch that fails must not stop the ones after it: the chain always goes on.
			this.flushing = this.flushing
				.then(() => this.flush())
				.catch((error: unknown) => console.error("write batch failed", error));
		}, wait);
	}

	/**
	 * Who the batch's mentions are: one D1 query for all of it, before anything is stored. A room
	 * whose D1 is unreachable still stores the messages, mentioning those of them who are
	 * connected to the room right now (they were let in, so they may read it).
	 */
	private async addressing(batch: Queued[]): Promise<Addressing> {
		const roomId = batch[0]?.attachment.roomId;
		const ids = idsToResolve(batch.map((write) => write.frame));
		let members = new Map<string, string>();
		if (roomId && ids.length > 0) {
			try {
				members = await this.lookupMembers(roomId, ids);
			} catch (error) {
				console.error("mentions not resolved in D1; using who is connected", error);
				const wanted = new Set(ids);
				for (const user of this.present()) if (wanted.has(user.id)) members.set(user.id, user.name);
			}
		}
		const here = batch.some(
			({ frame }) => (frame.type === "send" || frame.type === "edit") && mentionsHere(frame.text),
		);
		return { members, present: here ? this.present().map((user) => user.id) : [] };
	}

	private async flush(): Promise<void> {
		const batch = this.queue;
		this.queue = [];
		this.queued.clear();
		this.queuedByUser.clear();
		const addressing = await this.addressing(batch);
		const now = Date.now();
		this.lastFlushAt = now;
		const events: RoomEvent[] = [];
		const notes: MentionNote[] = [];
		const replies: Array<[WebSocket, AckFrame | ErrorFrame]> = [];
		for (const write of batch) {
			try {
				const outcome = this.accept(write, now, addressing);
				const reply = "ack" in outcome ? outcome.ack : outcome.refusal;
				for (const ws of [write.ws, ...write.resentBy]) replies.push([ws, reply]);
				if ("event" in outcome && outcome.event) events.push(outcome.event);
				if ("notes" in outcome && outcome.notes) notes.push(...outcome.notes);
			} catch (error) {
				// No ack goes out, so the client keeps the write and resends it under the same clientId.
				console.error("write not stored", error);
			}
		}
		// What follows runs even if saving the rate limits fails: what was stored is sent.
		try {
			this.limiter.persist();
		} catch (error) {
			console.error("rate limits not saved", error);
		}
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
				notes,
				events.flatMap((e) => (e.kind === "delete" ? [e.messageId] : [])),
			);
	}

	/**
	 * A new message is stored first and asked about after: the insert itself refuses a clientId
	 * its author already sent, so the common case costs one statement, not a lookup and an insert.
	 */
	private acceptSend(attachment: SocketAttachment, frame: SendFrame, now: number, addressing: Addressing): Outcome {
		const user = attachment.user;
		// Checked at enqueue against what was queued then; a write that got in ahead since is rare.
		const waitMs = this.limiter.wouldWait(user.id, now, 0);
		if (waitMs === 0) {
			// A reply to a message that was pruned meanwhile is still sent, as a plain message: the
			// words matter more than the link.
			const parent = frame.replyTo ? this.store.findById(frame.replyTo) : null;
			const addressed = addressedBy(frame.text, attachment, addressing);
			const told = firstTold(addressed, addressing, user.id);
			const message = this.store.append(user, frame.text, frame.clientId, now, parent, {
				...addressed,
				notified: told.notified,
			});
			if (message) {
				this.limiter.take(user.id, now);
				return {
					ack: ack(frame.clientId, message.seq, message.id, message.createdAt),
					event: { kind: "create", seq: message.seq, message },
					notes: told.notify.map((userId) => ({ userId, messageId: message.id, seq: message.seq, n: message.n })),
				};
			}
		}
		// A resend (retry, reconnect, or after eviction): the same ack, nothing new stored or sent,
		// and no allowance taken, even from a user who is over their limit now.
		const existing = this.store.findByClientId(user.id, frame.clientId);
		if (existing) return { ack: ack(frame.clientId, existing.seq, existing.id, existing.createdAt), event: null };
		if (waitMs === 0) throw new Error("message neither stored nor found under its clientId");
		return { refusal: rateLimited(frame.clientId, waitMs) };
	}

	private accept(write: Queued, now: number, addressing: Addressing): Outcome {
		const { attachment, frame } = write;
		const user = attachment.user;
		if (frame.type === "send") return this.acceptSend(attachment, frame, now, addressing);
		// A resend (retry, reconnect, or after eviction): the same ack, nothing new stored or sent.
		const existing = this.store.findChangeByClientId(user.id, frame.clientId);
		if (existing) return { ack: ack(frame.clientId, existing.seq, existing.messageId, existing.at), event: null };
		// Checked at enqueue against what was queued then; a write that got in ahead since is rare.
		const waitMs = this.limiter.take(user.id, now);
		if (waitMs > 0) return { refusal: rateLimited(frame.clientId, waitMs) };

		const outcome = applyChangeFrame(this.store, this.sql, frame, attachment, now, this.editWindowMs, addressing);
		switch (outcome.kind) {
			case "changed": {
				const event = outcome.event;
				const n =
					event.kind === "edit" && event.notify.length > 0 ? this.store.findById(event.messageId)?.n : undefined;
				const notes =
					event.kind === "edit" && n !== undefined
						? event.notify.map((userId) => ({ userId, messageId: event.messageId, seq: event.messageSeq, n }))
						: [];
				return { ack: ack(frame.clientId, event.seq, event.messageId, now), event, notes };
			}
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
