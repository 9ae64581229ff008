import * as v from "valibot";
import WebSocket from "ws";
import { HISTORY_MAX_LIMIT, HistoryPageSchema } from "../../api/protocol/http-api.ts";
import { parseServerMessage } from "../../api/protocol/room-protocol.ts";
import type { ClientRecord, Seen } from "./queue-checker.ts";

const octet = () => 1 + Math.floor(Math.random() * 254);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A new guest's session cookie; each guest signs in from its own address (sign-in is rate-limited per IP). */
export async function guestCookie(base: string): Promise<string> {
	const res = await fetch(`${base}/api/auth/sign-in/anonymous`, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			origin: base,
			"cf-connecting-ip": `10.${octet()}.${octet()}.${octet()}`,
		},
		body: "{}",
	});
	if (!res.ok) throw new Error(`guest sign-in failed: ${res.status}`);
	return res.headers
		.getSetCookie()
		.map((c) => c.split(";")[0])
		.join("; ");
}

/** Creates the public room `room` through the API, as a user would; it must exist to be reached. */
export async function createRoom(base: string, cookie: string, room: string): Promise<void> {
	const res = await fetch(`${base}/api/rooms`, {
		method: "POST",
		headers: { "content-type": "application/json", origin: base, cookie },
		body: JSON.stringify({ name: room, visibility: "public" }),
	});
	if (res.status !== 201 && res.status !== 409) throw new Error(`room not created: ${res.status} ${await res.text()}`);
}

/**
 * Stored messages with seq > `after`, ascending, over HTTP: pages backwards from the newest, the
 * way the app pages history, and stops once it reaches `after`.
 */
export async function fetchHistory(base: string, room: string, cookie: string, after = 0): Promise<Seen[]> {
	const out: Seen[] = [];
	let before: number | undefined;
	for (;;) {
		const query = new URLSearchParams({ limit: String(HISTORY_MAX_LIMIT) });
		if (before !== undefined) query.set("before", String(before));
		const res = await fetch(`${base}/api/rooms/${room}/messages?${query}`, { headers: { cookie } });
		if (!res.ok) throw new Error(`history fetch failed: ${res.status}`);
		const page = v.parse(HistoryPageSchema, await res.json());
		out.unshift(...page.messages.filter((m) => m.seq > after).map((m) => ({ seq: m.seq, clientId: m.clientId })));
		const oldest = page.messages[0]?.seq;
		if (!page.hasMore || oldest === undefined || oldest <= after + 1) return out;
		before = oldest;
	}
}

/**
 * One chat participant that behaves like the app's client over the wire: an outbox resent in
 * order after every (re)connect with the same clientIds, `hello {since}` from the highest seq it
 * holds without a hole, a full HTTP refetch on `reset`, and reconnects with a short backoff.
 */
export class SoakClient {
	readonly record: ClientRecord;
	readonly errors: string[] = [];
	private ws: WebSocket | null = null;
	private welcomed = false;
	private readonly view = new Map<number, Seen>();
	private contiguous = 0;
	private readonly outbox: Array<{ clientId: string; text: string }> = [];
	private next = 0;
	private stopped = false;
	private latestSeen = 0;
	connects = 0;

	constructor(
		readonly name: string,
		private readonly base: string,
		private readonly room: string,
		readonly cookie: string,
		private readonly total: number,
		private readonly window = 8,
	) {
		this.record = { name, sent: [], acks: [], finalView: null };
	}

	get done(): boolean {
		return this.next === this.total && this.outbox.length === 0;
	}

	get acked(): number {
		return this.next - this.outbox.length;
	}

	/** Opens (or reopens) the socket; failures are retried until `stop()`. */
	connect(): void {
		if (this.stopped) return;
		const ws = new WebSocket(`${this.base.replace("http", "ws")}/api/rooms/${this.room}/socket`, {
			headers: { cookie: this.cookie, origin: this.base },
			perMessageDeflate: false,
		});
		this.ws = ws;
		this.welcomed = false;
		ws.on("open", () => {
			this.connects++;
			ws.send(JSON.stringify({ type: "hello", since: this.contiguous }));
		});
		ws.on("message", (data) => this.receive(ws, String(data)));
		ws.on("error", () => {});
		ws.on("close", () => {
			if (this.ws !== ws) return;
			this.ws = null;
			this.welcomed = false;
			setTimeout(() => this.connect(), 50 + Math.random() * 250);
		});
	}

	/** Cuts the connection the way a flaky network does (no close handshake); it reconnects itself. */
	drop(): void {
		this.ws?.terminate();
	}

	/** Queues the next message if the window allows, and sends it when connected. */
	sendNext(): void {
		if (this.next >= this.total || this.outbox.length >= this.window) return;
		const entry = {
			clientId: `${this.name}-m${String(this.next).padStart(4, "0")}`,
			text: `${this.name} #${this.next}`,
		};
		this.next++;
		this.outbox.push(entry);
		this.record.sent.push(entry.clientId);
		if (this.welcomed) this.ws?.send(JSON.stringify({ type: "send", ...entry }));
	}

	/** Reconnects once more and waits until its view reaches the seq the room reported on welcome. */
	async finalSync(timeoutMs: number): Promise<void> {
		this.welcomed = false;
		this.drop();
		const deadline = Date.now() + timeoutMs;
		while (!(this.welcomed && this.contiguous >= this.latestSeen)) {
			if (Date.now() > deadline)
				throw new Error(`${this.name} did not catch up (at ${this.contiguous} of ${this.latestSeen})`);
			await sleep(20);
		}
		this.record.finalView = [...this.view.values()].sort((a, b) => a.seq - b.seq);
	}

	/** Sends everything it has left at once and vanishes before any ack can arrive. */
	async quitMidSend(): Promise<void> {
		const deadline = Date.now() + 20_000;
		while (!this.welcomed) {
			if (Date.now() > deadline) throw new Error(`${this.name} was never welcomed`);
			await sleep(10);
		}
		while (this.next < this.total) this.sendNext();
		this.stop();
	}

	stop(): void {
		this.stopped = true;
		this.ws?.terminate();
	}

	/** Fetches what it is missing; while the server is down (a kill), it tries again for a while. */
	private async refetch(): Promise<void> {
		for (let attempt = 0; attempt < 100 && !this.stopped; attempt++) {
			try {
				for (const m of await fetchHistory(this.base, this.room, this.cookie, this.contiguous))
					this.see(m.seq, m.clientId);
				return;
			} catch {
				await sleep(200);
			}
		}
		if (!this.stopped) this.errors.push("refetch after reset kept failing for 20 s");
	}

	private see(seq: number, clientId: string): void {
		this.view.set(seq, { seq, clientId });
		while (this.view.has(this.contiguous + 1)) this.contiguous++;
		this.latestSeen = Math.max(this.latestSeen, seq);
	}

	private receive(ws: WebSocket, raw: string): void {
		const frame = parseServerMessage(raw);
		if (!frame) {
			this.errors.push(`unparseable frame: ${raw.slice(0, 80)}`);
			return;
		}
		switch (frame.type) {
			case "welcome":
				this.latestSeen = Math.max(this.latestSeen, frame.latestSeq);
				this.welcomed = true;
				// Everything not acked yet goes again, in order, under the same clientIds.
				for (const entry of this.outbox) ws.send(JSON.stringify({ type: "send", ...entry }));
				return;
			case "message":
				this.see(frame.message.seq, frame.message.clientId);
				return;
			case "messages":
				for (const m of frame.messages) this.see(m.seq, m.clientId);
				return;
			case "ack": {
				this.record.acks.push({ clientId: frame.clientId, seq: frame.seq });
				this.see(frame.seq, frame.clientId);
				const i = this.outbox.findIndex((e) => e.clientId === frame.clientId);
				if (i >= 0) this.outbox.splice(i, 1);
				return;
			}
			case "reset":
				this.latestSeen = Math.max(this.latestSeen, frame.latestSeq);
				// Too far behind for a replay: fetch what is missing over HTTP, as the app does.
				void this.refetch();
				return;
			case "error":
				if (frame.code !== "rate_limited") this.errors.push(`${frame.code}: ${frame.message}`);
				return;
			case "pong":
				return;
		}
	}
}
