import * as v from "valibot";
import WebSocket from "ws";
import { EventsPageSchema, HISTORY_MAX_LIMIT, HistoryPageSchema } from "../../api/protocol/http-api.ts";
import { applyChange } from "../../api/protocol/message-events.ts";
import {
	type ChatMessage,
	type ClientMessage,
	PROTOCOL_VERSION,
	parseServerMessage,
	type RoomEvent,
} from "../../api/protocol/room-protocol.ts";
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

/** A message's folded state in a few characters: what a view and a fresh fetch must agree on. */
export function stateOf(m: ChatMessage): string {
	const reactions = m.reactions.map((r) => `${r.emoji}${r.users.map((u) => u.id).join("+")}`).join(",");
	return `${m.rev}|${m.deleted ? `deleted by ${m.deleted.by.id}` : m.text}|${m.editedAt ?? ""}|${reactions}`;
}

export const seenOf = (m: ChatMessage): Seen => ({ seq: m.seq, n: m.n, clientId: m.clientId, state: stateOf(m) });

/**
 * Stored messages with seq > `after`, ascending and folded, over HTTP: pages backwards from the
 * newest, the way the app pages history, and stops once it reaches `after`.
 */
export async function fetchHistory(base: string, room: string, cookie: string, after = 0): Promise<ChatMessage[]> {
	const out: ChatMessage[] = [];
	let before: number | undefined;
	for (;;) {
		const query = new URLSearchParams({ limit: String(HISTORY_MAX_LIMIT) });
		if (before !== undefined) query.set("before", String(before));
		const res = await fetch(`${base}/api/rooms/${room}/messages?${query}`, { headers: { cookie } });
		if (!res.ok) throw new Error(`history fetch failed: ${res.status}`);
		const page = v.parse(HistoryPageSchema, await res.json());
		out.unshift(...page.messages.filter((m) => m.seq > after));
		const oldest = page.messages[0]?.seq;
		if (!page.hasOlder || oldest === undefined || oldest <= after + 1) return out;
		before = oldest;
	}
}

/** The room's whole log (every create and change still kept), over the gap-repair endpoint. */
export async function fetchLog(base: string, room: string, cookie: string): Promise<RoomEvent[]> {
	const out: RoomEvent[] = [];
	let after = 0;
	for (;;) {
		const res = await fetch(`${base}/api/rooms/${room}/events?after=${after}`, { headers: { cookie } });
		if (!res.ok) throw new Error(`log fetch failed: ${res.status}`);
		const page = v.parse(EventsPageSchema, await res.json());
		if (page.kind === "reset") throw new Error("the log was pruned");
		out.push(...page.events);
		if (!page.more) return out;
		after = page.upTo;
	}
}

type Write = Extract<ClientMessage, { clientId: string }>;

/**
 * One chat participant that behaves like the app's client over the wire: an outbox of writes
 * (new messages, edits, deletes, reactions) resent in order after every (re)connect with the same
 * clientIds, `hello {since}` from its cursor, events folded in seq order (what arrives past a gap
 * waits while the gap is fetched over HTTP), and reconnects with a short backoff.
 */
export class SoakClient {
	readonly record: ClientRecord;
	readonly errors: string[] = [];
	/** Changes the room refused (the message was deleted meanwhile, or is not this user's): expected, counted. */
	refused = 0;
	/** Every ack a change got: clientId and seq, repeats included. */
	readonly changeAcks: Array<{ clientId: string; seq: number }> = [];
	/** Edit texts this client sent: each must appear in the log at most once. */
	readonly editTexts: string[] = [];
	private ws: WebSocket | null = null;
	private welcomed = false;
	private readonly view = new Map<string, ChatMessage>();
	private cursor = 0;
	private waiting: RoomEvent[] = [];
	private repairing = false;
	private readonly outbox: Write[] = [];
	private next = 0;
	private changes = 0;
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
		/** The room's owner may delete anyone's message. */
		private readonly owner = false,
	) {
		this.record = { name, sent: [], acks: [], finalView: null };
	}

	userId = "";

	get done(): boolean {
		return this.next === this.total && this.outbox.length === 0;
	}

	get acked(): number {
		return this.next - this.outbox.filter((w) => w.type === "send").length;
	}

	get changesMade(): number {
		return this.changes;
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
			ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, since: this.cursor }));
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

	/** Queues the next message if the window allows, and now and then a change to one it holds. */
	sendNext(): void {
		if (this.next >= this.total || this.outbox.length >= this.window) return;
		const clientId = `${this.name}-m${String(this.next).padStart(4, "0")}`;
		this.next++;
		this.record.sent.push(clientId);
		this.queue({ type: "send", clientId, text: `${this.name} #${this.next}` });
		if (Math.random() < 0.35) this.changeSomething();
	}

	private queue(write: Write): void {
		this.outbox.push(write);
		if (this.welcomed) this.ws?.send(JSON.stringify(write));
	}

	/** A reaction toggled, an own message edited or deleted, or (the owner) someone else's deleted. */
	private changeSomething(): void {
		const all = [...this.view.values()].filter((m) => !m.deleted);
		const own = all.filter((m) => m.author.id === this.userId);
		const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];
		const clientId = `${this.name}-c${String(this.changes).padStart(4, "0")}`;
		const roll = Math.random();
		let write: Write | null = null;
		if (roll < 0.5) {
			const target = pick(all);
			const emoji = pick(["👍", "🎉", "👀"]) ?? "👍";
			const mine = target?.reactions.some((r) => r.emoji === emoji && r.users.some((u) => u.id === this.userId));
			if (target) write = { type: "react", clientId, messageId: target.id, emoji, on: !mine };
		} else if (roll < 0.8) {
			const target = pick(own);
			const text = `${this.name} edit ${this.changes}`;
			if (target) {
				write = { type: "edit", clientId, messageId: target.id, text };
				this.editTexts.push(text);
			}
		} else {
			const target = this.owner && roll > 0.95 ? pick(all) : pick(own);
			if (target) write = { type: "delete", clientId, messageId: target.id };
		}
		if (!write) return;
		this.changes++;
		this.queue(write);
	}

	/** Reconnects once more and waits until its view reaches the seq the room reported on welcome. */
	async finalSync(timeoutMs: number): Promise<void> {
		this.welcomed = false;
		this.drop();
		const deadline = Date.now() + timeoutMs;
		while (!(this.welcomed && this.cursor >= this.latestSeen)) {
			if (Date.now() > deadline)
				throw new Error(`${this.name} did not catch up (at ${this.cursor} of ${this.latestSeen})`);
			await sleep(20);
		}
		this.record.finalView = [...this.view.values()].sort((a, b) => a.seq - b.seq).map(seenOf);
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

	/** Folds events in seq order from the cursor; what lies past a gap waits while the gap is fetched. */
	private see(events: RoomEvent[]): void {
		this.waiting.push(...events);
		this.waiting.sort((a, b) => a.seq - b.seq);
		const later: RoomEvent[] = [];
		for (const event of this.waiting) {
			if (event.seq > this.cursor + 1) {
				later.push(event);
				continue;
			}
			this.fold(event);
			this.cursor = Math.max(this.cursor, event.seq);
		}
		this.waiting = later;
		if (later.length > 0) void this.repair();
	}

	private fold(event: RoomEvent): void {
		if (event.kind === "create") {
			const held = this.view.get(event.message.id);
			if (!held || event.message.rev > held.rev) this.view.set(event.message.id, event.message);
			return;
		}
		const held = this.view.get(event.messageId);
		if (held) this.view.set(held.id, applyChange(held, event));
	}

	/** Fetches the log after the cursor (a gap, or a reset); while the server is down, tries again for a while. */
	private async repair(): Promise<void> {
		if (this.repairing) return;
		this.repairing = true;
		try {
			for (let attempt = 0; attempt < 100 && !this.stopped; attempt++) {
				try {
					const res = await fetch(`${this.base}/api/rooms/${this.room}/events?after=${this.cursor}`, {
						headers: { cookie: this.cookie },
					});
					if (!res.ok) throw new Error(String(res.status));
					const page = v.parse(EventsPageSchema, await res.json());
					if (page.kind === "reset") {
						this.errors.push("the log after the cursor was pruned");
						return;
					}
					for (const event of page.events) this.fold(event);
					this.cursor = Math.max(this.cursor, page.upTo);
					if (!page.more) break;
				} catch {
					await sleep(200);
				}
			}
		} finally {
			this.repairing = false;
		}
		this.see([]);
	}

	private receive(ws: WebSocket, raw: string): void {
		const frame = parseServerMessage(raw);
		if (!frame) {
			this.errors.push(`unparseable frame: ${raw.slice(0, 80)}`);
			return;
		}
		switch (frame.type) {
			case "welcome":
				this.userId = frame.you.id;
				this.latestSeen = Math.max(this.latestSeen, frame.latestSeq);
				this.welcomed = true;
				// Everything not acked yet goes again, in order, under the same clientIds.
				for (const write of this.outbox) ws.send(JSON.stringify(write));
				return;
			case "events":
				this.see(frame.events);
				return;
			case "ack": {
				const i = this.outbox.findIndex((w) => w.clientId === frame.clientId);
				const write = i >= 0 ? this.outbox[i] : undefined;
				if (i >= 0) this.outbox.splice(i, 1);
				if (write?.type === "send" || (!write && frame.clientId.includes("-m"))) {
					this.record.acks.push({ clientId: frame.clientId, seq: frame.seq });
				} else {
					this.changeAcks.push({ clientId: frame.clientId, seq: frame.seq });
				}
				return;
			}
			case "reset":
				this.latestSeen = Math.max(this.latestSeen, frame.latestSeq);
				// Too far behind for a replay: fetch what is missing over HTTP, as the app does.
				void this.repair();
				return;
			case "error": {
				const i = frame.ref ? this.outbox.findIndex((w) => w.clientId === frame.ref) : -1;
				if (frame.code === "rate_limited") return;
				// A change to a message deleted meanwhile: refused for good, as the app shows it.
				if (i >= 0 && (frame.code === "not_allowed" || frame.code === "not_found") && this.outbox[i]?.type !== "send") {
					this.outbox.splice(i, 1);
					this.refused++;
					return;
				}
				this.errors.push(`${frame.code}: ${frame.message}`);
				return;
			}
			case "pong":
			case "presence":
			case "presence_delta":
			case "typing":
			case "role":
				return;
		}
	}
}
