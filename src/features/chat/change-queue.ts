import type { ClientMessage } from "../../../api/protocol/room-protocol";
import type { Transport } from "./send-queue";

/** An edit, a delete or a reaction, as sent. */
export type ChangeFrame = Extract<ClientMessage, { type: "edit" | "delete" | "react" }>;

type Timers = {
	setTimeout: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
	clearTimeout: (timer: ReturnType<typeof setTimeout> | undefined) => void;
};

const realTimers: Timers = {
	setTimeout: (fn, ms) => setTimeout(fn, ms),
	clearTimeout: (timer) => clearTimeout(timer),
};

/**
 * Changes to messages waiting for the room's answer, in the order they were made. They are shown
 * at once (the view folds them over the stored messages), sent when the socket is welcomed, and
 * sent again after a reconnect: every change carries a clientId, so the room answers a resend
 * with the original ack and changes nothing twice. They live as long as the page: unlike new
 * messages (the outbox), a change is a click, cheap to make again after a reload.
 */
export class ChangeQueue {
	private readonly pending = new Map<string, ChangeFrame>();
	/** On the wire since the last welcome. */
	private readonly sent = new Set<string>();
	private resumeTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		private readonly transport: Transport,
		/** Told the list of pending changes whenever it changes. */
		private readonly onChange: (pending: ChangeFrame[]) => void,
		private readonly timers: Timers = realTimers,
	) {}

	add(frame: ChangeFrame): void {
		this.pending.set(frame.clientId, frame);
		this.emit();
		this.pump();
	}

	has(clientId: string): boolean {
		return this.pending.has(clientId);
	}

	/** The socket was welcomed: whatever was on the wire before is unconfirmed, so all goes again. */
	connected(): void {
		this.sent.clear();
		this.pump();
	}

	disconnected(): void {
		this.sent.clear();
	}

	/** The room applied the change (or found it already so). */
	acked(clientId: string): void {
		if (!this.pending.delete(clientId)) return;
		this.sent.delete(clientId);
		this.emit();
	}

	/** The room refused the change for good; returns it, for the message shown to the user. */
	refused(clientId: string): ChangeFrame | undefined {
		const frame = this.pending.get(clientId);
		if (!frame) return undefined;
		this.pending.delete(clientId);
		this.sent.delete(clientId);
		this.emit();
		return frame;
	}

	/** The room said "not so fast": send it again once it allows. */
	rateLimited(clientId: string | undefined, retryAfterMs: number): void {
		if (clientId === undefined) this.sent.clear();
		else this.sent.delete(clientId);
		this.timers.clearTimeout(this.resumeTimer);
		this.resumeTimer = this.timers.setTimeout(
			() => {
				this.resumeTimer = undefined;
				this.pump();
			},
			Math.max(50, retryAfterMs),
		);
	}

	dispose(): void {
		this.timers.clearTimeout(this.resumeTimer);
	}

	private pump(): void {
		if (this.resumeTimer !== undefined) return;
		for (const [clientId, frame] of this.pending) {
			if (this.sent.has(clientId)) continue;
			if (!this.transport.send(frame)) return;
			this.sent.add(clientId);
		}
	}

	private emit(): void {
		this.onChange([...this.pending.values()]);
	}
}
