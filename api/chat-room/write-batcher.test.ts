import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import type { ChatRoomDurableObject } from "./ChatRoomDurableObject";
import { MessageStore } from "./message-store";
import { RateLimiter } from "./rate-limit";
import type { SocketAttachment } from "./socket-attachment";
import { WriteBatcher } from "./write-batcher";

async function guestIn(room: string) {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	const socket = await openSocket(client, roomPath(room));
	return { client, user, socket };
}

function stubFor(room: string): DurableObjectStub<ChatRoomDurableObject> {
	return env.CHAT_ROOM.getByName(room);
}

async function storedRows(room: string): Promise<number> {
	return runInDurableObject(stubFor(room), (_instance, state) => {
		return state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n;
	});
}

describe("send batching and idempotent sends", () => {
	it("sends a burst to each socket in a few batched frames, and a lone message as a frame of one event", async () => {
		const room = await freshRoom();
		const reader = await guestIn(room);
		const writer = await guestIn(room);
		for (const p of [reader, writer]) await p.socket.hello();

		writer.socket.send(sendFrame(newClientId(), "alone"));
		await reader.socket.collect("message", 1);
		expect(reader.socket.rawFrames.at(-1)).toMatchObject({
			type: "events",
			events: [{ kind: "create", message: { text: "alone" } }],
		});

		// Under the test config's burst limit of 60 sends per user.
		const burst = 50;
		const before = reader.socket.rawFrames.length;
		for (let i = 0; i < burst; i++) writer.socket.send(sendFrame(newClientId(), `burst ${i}`));
		const got = await reader.socket.collect("message", burst);
		expect(got.map((f) => f.message.seq)).toEqual(Array.from({ length: burst }, (_, i) => i + 2));
		const frames = reader.socket.rawFrames.slice(before);
		expect(frames.length).toBeLessThan(burst / 4);
		expect(frames.some((f) => f.type === "events" && f.events.length > 1)).toBe(true);
	});

	it("acks with the stored seq, id and time, and the message carries the verified author", async () => {
		const room = await freshRoom();
		const { user, socket } = await guestIn(room);
		await socket.hello();
		const clientId = newClientId();
		socket.send(sendFrame(clientId, "hello **world**"));
		const { message } = await socket.expect("message");
		const ack = await socket.expect("ack");
		expect(ack).toEqual({ type: "ack", clientId, seq: 1, id: message.id, createdAt: message.createdAt });
		expect(message).toMatchObject({
			seq: 1,
			text: "hello **world**",
			clientId,
			author: { id: user.id, name: user.name },
		});
		expect(message.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
	});

	describe("idempotent send", () => {
		it("answers a resend before the ack with the same ack and one message", async () => {
			const room = await freshRoom();
			const sender = await guestIn(room);
			const watcher = await guestIn(room);
			await sender.socket.hello();
			await watcher.socket.hello();
			const clientId = newClientId();
			sender.socket.send(sendFrame(clientId, "only once"));
			sender.socket.send(sendFrame(clientId, "only once"));
			// The resend may land in the first send's batch or the next one, so the order of the
			// second ack and the broadcast is not fixed; their number and content are.
			const frames = [await sender.socket.next(), await sender.socket.next(), await sender.socket.next()];
			const [first, second] = frames.filter((f) => f.type === "ack");
			expect(frames.map((f) => f.type).sort()).toEqual(["ack", "ack", "message"]);
			expect(second).toEqual(first);
			await watcher.socket.expect("message");
			// No second broadcast and no third ack (each barrier stores one more message).
			await watcher.socket.expectNothingMore();
			await sender.socket.expectNothingMore();
			expect(await storedRows(room)).toBe(1 + 2);
		});

		it("answers a resend after a reconnect with the original ack", async () => {
			const room = await freshRoom();
			const { client, socket } = await guestIn(room);
			await socket.hello();
			const clientId = newClientId();
			socket.send(sendFrame(clientId, "sent before the network dropped"));
			const original = await socket.ack();
			socket.close();
			await socket.closed;

			const again = await openSocket(client, roomPath(room));
			await again.hello(original.seq);
			again.send(sendFrame(clientId, "sent before the network dropped"));
			expect(await again.expect("ack")).toEqual(original);
			await again.expectNothingMore();
			expect(await storedRows(room)).toBe(1 + 1);
		});

		it("answers a resend after the room was evicted with the original ack", async () => {
			const room = await freshRoom();
			const { client, socket } = await guestIn(room);
			await socket.hello();
			const clientId = newClientId();
			socket.send(sendFrame(clientId, "durable"));
			const original = await socket.ack();
			await evictDurableObject(stubFor(room), { webSockets: "close" });
			await socket.closed;

			const again = await openSocket(client, roomPath(room));
			await again.hello(original.seq);
			again.send(sendFrame(clientId, "durable"));
			expect(await again.expect("ack")).toEqual(original);
			expect(await storedRows(room)).toBe(1);
		});
	});

	it("goes on storing after a batch fails past its writes (the batches run as one chain)", async () => {
		const room = await freshRoom();
		const acks = await runInDurableObject(stubFor(room), async (_instance, state) => {
			const sql = state.storage.sql;
			const sent: string[] = [];
			const ws = { send: (frame: string) => sent.push(frame) } as unknown as WebSocket;
			const attachment: SocketAttachment = {
				roomId: room,
				user: { id: "u-chain", name: "Chain", image: null, guest: true },
				connectionId: "c",
				sessionId: "s",
				sessionExpiresAt: Date.now() + 60_000,
				ready: true,
				openedAt: 0,
				role: "member",
			};
			let failures = 1;
			const batcher = new WriteBatcher(
				new MessageStore(sql),
				sql,
				new RateLimiter(sql, 100, 100),
				0,
				() => [ws],
				() => {
					// The first batch fails after it stored its write (here, telling the room of it).
					if (failures-- > 0) throw new Error("injected");
				},
			);
			const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
			batcher.enqueue({ ws, attachment, frame: { type: "send", clientId: "chain-first-1", text: "first" } });
			await wait(100);
			batcher.enqueue({ ws, attachment, frame: { type: "send", clientId: "chain-second-1", text: "second" } });
			await wait(100);
			return sent.map((f) => JSON.parse(f) as { type: string; clientId?: string }).filter((f) => f.type === "ack");
		});
		expect(acks.map((a) => a.clientId)).toEqual(["chain-first-1", "chain-second-1"]);
	});
});
