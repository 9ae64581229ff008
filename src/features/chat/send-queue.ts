import {
	type ClientMessage,
	clientFrameTooLarge,
	MAX_FRAME_BYTES,
	utf8Bytes,
} from "../../../api/protocol/room-protocol";
import type { Outbox, OutboxEntry } from "./outbox";

/** A send without an ack for this long, on an open socket, is shown as failed with Retry. */
export const ACK_TIMEOUT_MS = 10_000;
/**
 * An unsent message older than this is not sent by itself any more: it shows as failed with
 * Retry. Whatever it answered is likely stale by then, and the writer should decide.
 */
export const OUTBOX_MAX_AGE_MS = 60 * 60_000;
/**
 * Sends on the wire at once. A backlog (a reconnect after an hour on a train) goes out a window at
 * a time rather than in one burst the room's frame budget would refuse; after a `rate_limited`
 * answer the window is one until the outbox is empty, so each refusal costs one frame, not the
 * whole backlog again.
 */
const SEND_WINDOW = 10;

export type Transport = {
	/** Sends a frame if the room has welcomed the socket; false when it could not. */
	send(frame: ClientMessage): boolean;
};

type Timers = {
	setTimeout: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
	clearTimeout: (timer: ReturnType<typeof setTimeout> | undefined) => void;
	now: () => number;
};

const realTimers: Timers = {
	setTimeout: (fn, ms) => setTimeout(fn, ms),
	clearTimeout: (timer) => clearTimeout(timer),
	now: () => Date.now(),
};

/**
 * Sends the outbox to the room in the order the messages were typed, and keeps that order when
 * the room says "slow down": on a `rate_limited` answer it stops, takes back everything it sent
 * after the refused message, waits as long as the room asked, and starts again from the first
 * message still unacknowledged. The room stores sends from one socket in arrival order, so what
 * is stored is what was typed, in that order. No framework in here; room-session.ts wires it up.
 */
export class SendQueue {
	private readonly ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
	private resumeTimer: ReturnType<typeof setTimeout> | undefined;
	/** Set by a `rate_limited` answer, cleared once everything is sent: one send in flight at a time. */
	private paced = false;

	constructor(
		private readonly outbox: Outbox,
		private readonly transport: Transport,
		/** Told when the room starts and stops holding this user back (the composer's hint). */
		private readonly onLimited: (limited: boolean) => void = () => {},
		private readonly timers: Timers = realTimers,
	) {}

	get limited(): boolean {
		return this.resumeTimer !== undefined;
	}

	add(clientId: string, text: string, replyTo?: OutboxEntry["replyTo"]): OutboxEntry {
		const entry = this.outbox.add(clientId, text, this.timers.now(), replyTo);
		this.pump();
		return entry;
	}

	/** The socket was welcomed: send whatever waits. */
	connected(): void {
		this.pump();
	}

	/** The socket dropped: whatever was on the wire is unconfirmed and goes again after the next welcome. */
	disconnected(): void {
		for (const entry of this.outbox.list()) {
			if (entry.status !== "sending") continue;
			this.stopAckTimer(entry.clientId);
			this.outbox.update(entry.clientId, { status: "queued" });
		}
	}

	/** The room stored the message (an ack, or the stored message seen in history). */
	stored(clientId: string): void {
		this.stopAckTimer(clientId);
		this.outbox.remove(clientId);
		if (!this.outbox.list().some((e) => e.status !== "failed")) this.paced = false;
		this.pump();
	}

	/**
	 * The room refused a send for now. `clientId` is the refused send, or undefined when the room
	 * refused a frame without saying which (the socket's frame budget): then everything on the wire
	 * is taken back, since the room answers a resend of a stored message with its ack anyway.
	 */
	rateLimited(clientId: string | undefined, retryAfterMs: number): void {
		const entries = this.outbox.list();
		const from = clientId === undefined ? 0 : entries.findIndex((e) => e.clientId === clientId);
		if (from === -1) return;
		for (const entry of entries.slice(from)) {
			if (entry.status !== "sending") continue;
			this.stopAckTimer(entry.clientId);
			this.outbox.update(entry.clientId, { status: "queued" });
		}
		this.paced = true;
		if (this.resumeTimer === undefined) this.onLimited(true);
		this.timers.clearTimeout(this.resumeTimer);
		this.resumeTimer = this.timers.setTimeout(
			() => {
				this.resumeTimer = undefined;
				this.onLimited(false);
				this.pump();
			},
			Math.max(50, retryAfterMs),
		);
	}

	/** The room refused the message for good (empty, too long): it needs the writer. */
	failed(clientId: string, reason: string): void {
		this.stopAckTimer(clientId);
		this.outbox.update(clientId, { status: "failed", error: reason });
	}

	retry(clientId: string): void {
		if (!this.outbox.get(clientId)) return;
		// A retry is a new decision to send: the age limit counts from now.
		this.outbox.update(clientId, { status: "queued", error: undefined, createdAt: this.timers.now() });
		this.pump();
	}

	discard(clientId: string): void {
		this.stopAckTimer(clientId);
		this.outbox.remove(clientId);
	}

	dispose(): void {
		for (const timer of this.ackTimers.values()) this.timers.clearTimeout(timer);
		this.ackTimers.clear();
		this.timers.clearTimeout(this.resumeTimer);
	}

	/** Sends queued messages, oldest first, while the window has room and the socket takes them. */
	private pump(): void {
		if (this.limited) return;
		const now = this.timers.now();
		const window = this.paced ? 1 : SEND_WINDOW;
		let inFlight = this.outbox.list().filter((e) => e.status === "sending").length;
		for (const entry of this.outbox.list()) {
			if (inFlight >= window) return;
			if (entry.status !== "queued") continue;
			if (now - entry.createdAt > OUTBOX_MAX_AGE_MS) {
				this.failed(entry.clientId, "Not sent for over an hour, so it was held back.");
				continue;
			}
			const frame: ClientMessage = {
				type: "send",
				clientId: entry.clientId,
				text: entry.text,
				...(entry.replyTo ? { replyTo: entry.replyTo.id } : {}),
			};
			// Within the character limit but too big once encoded: the room would close the socket.
			if (clientFrameTooLarge(frame)) {
				const kb = Math.ceil(utf8Bytes(JSON.stringify(frame)) / 1024);
				this.failed(entry.clientId, `Too large to send (${kb} KB encoded; the limit is ${MAX_FRAME_BYTES / 1024} KB).`);
				continue;
			}
			if (!this.transport.send(frame)) return;
			this.outbox.update(entry.clientId, { status: "sending", error: undefined });
			this.startAckTimer(entry.clientId);
			inFlight++;
		}
	}

	private startAckTimer(clientId: string): void {
		this.stopAckTimer(clientId);
		this.ackTimers.set(
			clientId,
			this.timers.setTimeout(() => {
				this.ackTimers.delete(clientId);
				this.outbox.update(clientId, { status: "failed", error: "No answer from the server." });
			}, ACK_TIMEOUT_MS),
		);
	}

	private stopAckTimer(clientId: string): void {
		this.timers.clearTimeout(this.ackTimers.get(clientId));
		this.ackTimers.delete(clientId);
	}
}
