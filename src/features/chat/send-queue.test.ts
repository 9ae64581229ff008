import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ClientMessage, MAX_TEXT_LENGTH } from "../../../api/protocol/room-protocol";
import { Outbox } from "./outbox";
import { ACK_TIMEOUT_MS, OUTBOX_MAX_AGE_MS, SendQueue } from "./send-queue";

/**
 * A room as the queue meets it: frames arrive after `latencyMs`, are handled in arrival order
 * under the room's per-user limit (a GCRA: a burst, then a steady rate), and answers come back
 * after `latencyMs`. A resend of a stored clientId is acked again without storing it twice.
 */
class SimulatedRoom {
	readonly stored: string[] = [];
	private tat = 0;
	/** The socket's frame budget, as frame-budget.ts keeps it: a burst, then a rate; 20 refusals in a row close it. */
	private frameTat = 0;
	private strikes = 0;
	closed = false;
	frameBudget: { burst: number; perSecond: number } | null = null;
	queue: SendQueue | null = null;
	online = true;

	constructor(
		private readonly burst: number,
		private readonly perSecond: number,
		private readonly latencyMs = 20,
	) {}

	transport = {
		send: (frame: ClientMessage): boolean => {
			if (!this.online || this.closed || frame.type !== "send") return false;
			if (!this.chargeFrame()) return true;
			setTimeout(() => this.receive(frame.clientId, frame.text), this.latencyMs);
			return true;
		},
	};

	/** False when the frame is refused (and answered `rate_limited` without a ref, as the room does). */
	private chargeFrame(): boolean {
		if (!this.frameBudget) return true;
		const now = Date.now();
		const interval = 1000 / this.frameBudget.perSecond;
		const tat = Math.max(this.frameTat, now);
		if (now < tat - interval * (this.frameBudget.burst - 1)) {
			if (++this.strikes >= 20) this.closed = true;
			const wait = Math.ceil(tat - interval * (this.frameBudget.burst - 1) - now);
			setTimeout(() => this.queue?.rateLimited(undefined, wait), this.latencyMs * 2);
			return false;
		}
		this.strikes = 0;
		this.frameTat = tat + interval;
		return true;
	}

	private receive(clientId: string, text: string): void {
		const reply = (fn: () => void) => {
			setTimeout(fn, this.latencyMs);
		};
		if (this.stored.includes(text)) {
			reply(() => this.queue?.stored(clientId));
			return;
		}
		const now = Date.now();
		const interval = 1000 / this.perSecond;
		const tat = Math.max(this.tat, now);
		const allowedAt = tat - interval * (this.burst - 1);
		if (now < allowedAt) {
			reply(() => this.queue?.rateLimited(clientId, Math.ceil(allowedAt - now)));
			return;
		}
		this.tat = tat + interval;
		this.stored.push(text);
		reply(() => this.queue?.stored(clientId));
	}
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const texts = (n: number) => Array.from({ length: n }, (_, i) => `message ${i + 1}`);

describe("SendQueue", () => {
	// Issue 15.6: 25 quick messages past a burst of 20 used to be stored as ..., 22, 25, 23, 24.
	it("stores a burst past the rate limit in the order it was typed, and says so while held back", async () => {
		const room = new SimulatedRoom(20, 2);
		const limited: boolean[] = [];
		const outbox = new Outbox("burst", null, null);
		const queue = new SendQueue(outbox, room.transport, (on) => limited.push(on));
		room.queue = queue;
		for (const [i, text] of texts(25).entries()) queue.add(`client-${String(i).padStart(8, "0")}`, text);
		await vi.advanceTimersByTimeAsync(10_000);
		expect(room.stored).toEqual(texts(25));
		expect(outbox.list()).toEqual([]);
		expect(limited[0]).toBe(true);
		expect(limited.at(-1)).toBe(false);
		expect(queue.limited).toBe(false);
	});

	// Review of issue 15: a backlog past the send limit used to be resent whole after every refusal,
	// which the room's frame budget then closed as a flood (4008).
	it("sends a long backlog within the room's frame budget, in order, without being closed as a flood", async () => {
		const room = new SimulatedRoom(20, 2);
		room.frameBudget = { burst: 60, perSecond: 10 };
		const outbox = new Outbox("backlog", null, null);
		const queue = new SendQueue(outbox, room.transport);
		room.queue = queue;
		room.online = false;
		for (const [i, text] of texts(60).entries()) queue.add(`client-${String(i).padStart(8, "0")}`, text);
		room.online = true;
		queue.connected();
		await vi.advanceTimersByTimeAsync(40_000);
		expect(room.closed).toBe(false);
		expect(room.stored).toEqual(texts(60));
	});

	it("keeps the order across a dropped connection", async () => {
		const room = new SimulatedRoom(100, 100);
		const outbox = new Outbox("drop", null, null);
		const queue = new SendQueue(outbox, room.transport);
		room.queue = queue;
		room.online = false;
		for (const [i, text] of texts(5).entries()) queue.add(`client-${String(i).padStart(8, "0")}`, text);
		expect(outbox.list().map((e) => e.status)).toEqual(Array(5).fill("queued"));
		room.online = true;
		queue.connected();
		await vi.advanceTimersByTimeAsync(1_000);
		expect(room.stored).toEqual(texts(5));
	});

	it("shows an unanswered send as failed after the ack timeout", async () => {
		const outbox = new Outbox("silent", null, null);
		const queue = new SendQueue(outbox, { send: () => true });
		queue.add("client-00000000", "hello?");
		await vi.advanceTimersByTimeAsync(ACK_TIMEOUT_MS);
		expect(outbox.list()[0]).toMatchObject({ status: "failed", error: "No answer from the server." });
	});

	it("holds back a message left unsent for over an hour instead of sending it late", () => {
		const sent: ClientMessage[] = [];
		const outbox = new Outbox("old", null, null);
		outbox.add("client-00000000", "from yesterday", Date.now() - OUTBOX_MAX_AGE_MS - 1);
		const queue = new SendQueue(outbox, { send: (f) => sent.push(f) > 0 });
		queue.connected();
		expect(sent).toEqual([]);
		expect(outbox.list()[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/over an hour/) });
		queue.retry("client-00000000");
		expect(sent).toHaveLength(1);
	});

	// Issue 15.4: such a message closed the socket with 1009 and was resent forever.
	it("marks a message too large once encoded as failed instead of sending it", () => {
		const sent: ClientMessage[] = [];
		const outbox = new Outbox("big", null, null);
		const queue = new SendQueue(outbox, { send: (f) => sent.push(f) > 0 });
		// 4,000 control characters fit the character limit and take 6 bytes each as JSON.
		const text = "\u0001".repeat(MAX_TEXT_LENGTH);
		queue.add("client-00000000", text);
		queue.add("client-00000001", "a normal one");
		expect(sent.map((f) => f.type === "send" && f.text)).toEqual(["a normal one"]);
		expect(outbox.get("client-00000000")).toMatchObject({
			status: "failed",
			error: expect.stringMatching(/Too large/),
		});
	});
});
