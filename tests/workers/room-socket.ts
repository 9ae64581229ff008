import { env } from "cloudflare:test";
import type { ChangeEvent } from "../../api/protocol/message-events";
import {
	type ChatMessage,
	PROTOCOL_VERSION,
	parseServerMessage,
	type ServerMessage,
} from "../../api/protocol/room-protocol";
import type { TestClient } from "./auth-client";

type Closed = { code: number; reason: string };

/**
 * A frame as tests read it: an `events` frame is read as one `message` per new message and one
 * `change` per change, in order; every other frame as it came.
 */
export type TestFrame =
	| Exclude<ServerMessage, { type: "events" }>
	| { type: "message"; message: ChatMessage }
	| { type: "change"; change: ChangeEvent };
type FrameOf<T extends TestFrame["type"]> = Extract<TestFrame, { type: T }>;

/** A real WebSocket to a room, opened through the Worker, with a frame queue to await on. */
export class RoomSocket {
	readonly frames: TestFrame[] = [];
	/** Frames as they came off the wire, batches not expanded. */
	readonly rawFrames: ServerMessage[] = [];
	/**
	 * Presence and typing frames, kept apart: they come and go with other sockets, and tests about
	 * messages should not have to step around them.
	 */
	readonly ephemeral: Array<Extract<ServerMessage, { type: "presence" | "presence_delta" | "typing" }>> = [];
	private cursor = 0;
	private ephemeralCursor = 0;
	private wake: (() => void) | null = null;
	readonly closed: Promise<Closed>;

	constructor(readonly ws: WebSocket) {
		let resolveClosed: (c: Closed) => void = () => {};
		this.closed = new Promise((resolve) => {
			resolveClosed = resolve;
		});
		ws.addEventListener("message", (event) => {
			const frame = typeof event.data === "string" ? parseServerMessage(event.data) : null;
			if (!frame) throw new Error(`server sent a frame outside the protocol: ${String(event.data)}`);
			this.rawFrames.push(frame);
			if (frame.type === "presence" || frame.type === "presence_delta" || frame.type === "typing")
				this.ephemeral.push(frame);
			// A batch means what its events one by one mean; tests read them one by one.
			if (frame.type === "events")
				for (const e of frame.events)
					this.frames.push(
						e.kind === "create" ? { type: "message", message: e.message } : { type: "change", change: e },
					);
			else if (frame.type !== "presence" && frame.type !== "presence_delta" && frame.type !== "typing")
				this.frames.push(frame);
			this.wake?.();
		});
		ws.addEventListener("close", (event) => {
			resolveClosed({ code: event.code, reason: event.reason });
			this.wake?.();
		});
		ws.accept();
	}

	send(frame: unknown): void {
		this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
	}

	/** The next unread frame, waiting up to `timeoutMs` for it. */
	async next(timeoutMs = 3000): Promise<TestFrame> {
		const deadline = Date.now() + timeoutMs;
		while (this.cursor >= this.frames.length) {
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms (read ${this.cursor})`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
			this.wake = null;
		}
		const frame = this.frames[this.cursor++];
		if (!frame) throw new Error("unreachable: cursor past frames");
		return frame;
	}

	/**
	 * Who this socket has been told is here: the list after welcome, with every delta applied
	 * since (all presence frames up to now are read; waits up to `timeoutMs` for `want`, if given).
	 */
	async presentIds(want?: string[], timeoutMs = 3000): Promise<string[]> {
		const deadline = Date.now() + timeoutMs;
		const key = (ids: Iterable<string>) => [...ids].sort().join();
		for (;;) {
			while (this.presenceCursor < this.ephemeral.length) {
				const frame = this.ephemeral[this.presenceCursor++];
				if (frame?.type === "presence") this.present = new Set(frame.users.map((u) => u.id));
				if (frame?.type === "presence_delta") {
					for (const id of frame.left) this.present.delete(id);
					for (const u of frame.joined) this.present.add(u.id);
				}
			}
			if (!want || key(this.present) === key(want) || Date.now() > deadline) return [...this.present].sort();
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}
	private present = new Set<string>();
	private presenceCursor = 0;

	/** The next presence or typing frame of `type`, skipping the other kinds; waits up to `timeoutMs`. */
	async nextEphemeral<T extends "presence" | "presence_delta" | "typing">(
		type: T,
		timeoutMs = 3000,
	): Promise<Extract<ServerMessage, { type: T }>> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const frame = this.ephemeral[this.ephemeralCursor];
			if (frame) {
				this.ephemeralCursor++;
				if (frame.type === type) return frame as Extract<ServerMessage, { type: T }>;
				continue;
			}
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`no ${type} frame within ${timeoutMs} ms`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, Math.min(left, 20));
				this.wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
			this.wake = null;
		}
	}

	/** The next unread frame, which must be of `type`. */
	async expect<T extends TestFrame["type"]>(type: T, timeoutMs?: number): Promise<FrameOf<T>> {
		const frame = await this.next(timeoutMs);
		if (frame.type !== type) throw new Error(`expected a ${type} frame, got ${JSON.stringify(frame)}`);
		return frame as FrameOf<T>;
	}

	/**
	 * The next ack, past any broadcasts before it: a batch's messages go out before its acks, so
	 * a sender that said `hello` sees its own message first.
	 */
	async ack(timeoutMs?: number): Promise<FrameOf<"ack">> {
		for (;;) {
			const frame = await this.next(timeoutMs);
			if (frame.type === "ack") return frame;
			if (frame.type !== "message" && frame.type !== "change")
				throw new Error(`expected an ack, got ${JSON.stringify(frame)}`);
		}
	}

	/** Reads `n` frames of `type` in order. */
	async take<T extends TestFrame["type"]>(type: T, n: number): Promise<FrameOf<T>[]> {
		const out: FrameOf<T>[] = [];
		for (let i = 0; i < n; i++) out.push(await this.expect(type));
		return out;
	}

	/** Reads frames until `n` of `type` arrived, skipping frames of other types (e.g. acks between broadcasts). */
	async collect<T extends TestFrame["type"]>(type: T, n: number): Promise<FrameOf<T>[]> {
		const out: FrameOf<T>[] = [];
		while (out.length < n) {
			const frame = await this.next();
			if (frame.type === type) out.push(frame as FrameOf<T>);
		}
		return out;
	}

	/**
	 * Asserts that nothing else came from what this socket sent before: sends one more message and
	 * requires its answer to be the very next frame. The room handles a socket's frames in order and
	 * answers a send only after storing the batch, so anything owed for earlier frames would come
	 * first. Unlike waiting a while and looking, this cannot pass because a frame was merely late.
	 * Stores one message.
	 */
	async expectNothingMore(): Promise<void> {
		const clientId = `barrier-${crypto.randomUUID()}`;
		this.send({ type: "send", clientId, text: "barrier" });
		for (;;) {
			const frame = await this.next();
			// Barriers are messages: another socket's barrier reaching this one is not a stray frame.
			if (frame.type === "message" && frame.message.clientId.startsWith("barrier-")) continue;
			if (frame.type === "ack" && frame.clientId === clientId) return;
			throw new Error(`unexpected frame before the barrier's answer: ${JSON.stringify(frame)}`);
		}
	}

	/** Says hello in the current protocol and returns the welcome frame. */
	async hello(since?: number) {
		this.send({ type: "hello", protocol: PROTOCOL_VERSION, ...(since === undefined ? {} : { since }) });
		return this.expect("welcome");
	}

	close(): void {
		this.ws.close(1000, "test done");
	}
}

export function roomPath(roomId: string): string {
	return `/api/rooms/${roomId}/socket`;
}

/**
 * A public room no other test uses, recorded in D1 as `POST /api/rooms` would (that route has its
 * own tests); most tests are about what happens inside a room, not how it came to be.
 */
export async function freshRoom(prefix = "t"): Promise<string> {
	const id = `${prefix}-${crypto.randomUUID().slice(0, 13)}`;
	await env.DB.prepare("INSERT INTO room (id, name, visibility, createdBy, createdAt) VALUES (?, ?, 'public', NULL, ?)")
		.bind(id, id, Date.now())
		.run();
	return id;
}

/** Opens a socket for a signed-in client; throws with the body if the upgrade is refused. */
export async function openSocket(client: TestClient, path: string, origin = client.origin): Promise<RoomSocket> {
	const res = await client.fetch(path, { headers: { Upgrade: "websocket", Origin: origin } });
	if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
	return new RoomSocket(res.webSocket);
}

export function sendFrame(clientId: string, text: string) {
	return { type: "send", clientId, text };
}

export function newClientId(): string {
	return crypto.randomUUID();
}

export function editFrame(clientId: string, messageId: string, text: string) {
	return { type: "edit", clientId, messageId, text };
}

export function deleteFrame(clientId: string, messageId: string, reason?: string) {
	return { type: "delete", clientId, messageId, ...(reason === undefined ? {} : { reason }) };
}

export function reactFrame(clientId: string, messageId: string, emoji: string, on = true) {
	return { type: "react", clientId, messageId, emoji, on };
}
