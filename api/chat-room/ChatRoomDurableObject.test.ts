import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import { MAX_IMAGE_URL } from "../avatar-hosts";
import { MAX_NAME_LENGTH } from "../protocol/display-text";
import { PROTOCOL_VERSION } from "../protocol/room-protocol";
import type { ChatRoomDurableObject } from "./ChatRoomDurableObject";
import { MessageStore } from "./message-store";
import { roomUpgradeRequest } from "./room-handshake";

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

describe("ChatRoomDurableObject", () => {
	it("welcomes a client with its verified identity and the room's seq range", async () => {
		const room = await freshRoom();
		const { user, socket } = await guestIn(room);
		const welcome = await socket.hello();
		expect(welcome).toMatchObject({
			type: "welcome",
			protocol: PROTOCOL_VERSION,
			roomId: room,
			you: { id: user.id, name: user.name, image: null, guest: true },
			oldestSeq: 1,
			latestSeq: 0,
		});
		expect(welcome.connectionId).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("acks a send and broadcasts it to every ready socket in one order", async () => {
		const room = await freshRoom();
		const a = await guestIn(room);
		const b = await guestIn(room);
		const c = await guestIn(room);
		for (const p of [a, b, c]) await p.socket.hello();

		const sent = 10;
		for (let i = 0; i < sent; i++) {
			a.socket.send(sendFrame(`a-${i}-${newClientId()}`, `from a ${i}`));
			b.socket.send(sendFrame(`b-${i}-${newClientId()}`, `from b ${i}`));
		}
		const seen = await Promise.all(
			[a, b, c].map(async (p) => (await p.socket.collect("message", 2 * sent)).map((f) => f.message)),
		);
		const [first, ...others] = seen.map((messages) => messages.map((m) => `${m.seq}:${m.text}`));
		for (const other of others) expect(other).toEqual(first);
		expect(seen[0]?.map((m) => m.seq)).toEqual(Array.from({ length: 2 * sent }, (_, i) => i + 1));
		const fromA = seen[0]?.filter((m) => m.author.id === a.user.id).map((m) => m.text);
		expect(fromA).toEqual(Array.from({ length: sent }, (_, i) => `from a ${i}`));
	});

	it("sends a burst to each socket in a few batched frames, and a lone message as one message frame", async () => {
		const room = await freshRoom();
		const reader = await guestIn(room);
		const writer = await guestIn(room);
		for (const p of [reader, writer]) await p.socket.hello();

		writer.socket.send(sendFrame(newClientId(), "alone"));
		await reader.socket.collect("message", 1);
		expect(reader.socket.rawFrames.at(-1)).toMatchObject({ type: "message", message: { text: "alone" } });

		// Under the test config's burst limit of 60 sends per user.
		const burst = 50;
		const before = reader.socket.rawFrames.length;
		for (let i = 0; i < burst; i++) writer.socket.send(sendFrame(newClientId(), `burst ${i}`));
		const got = await reader.socket.collect("message", burst);
		expect(got.map((f) => f.message.seq)).toEqual(Array.from({ length: burst }, (_, i) => i + 2));
		const frames = reader.socket.rawFrames.slice(before);
		expect(frames.length).toBeLessThan(burst / 4);
		expect(frames.some((f) => f.type === "messages")).toBe(true);
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

	it("ignores identity fields a client puts in its frames", async () => {
		const room = await freshRoom();
		const { user, socket } = await guestIn(room);
		await socket.hello();
		socket.send({ ...sendFrame(newClientId(), "who am I"), author: { id: "admin", name: "Admin" }, userId: "admin" });
		const { message } = await socket.expect("message");
		await socket.expect("ack");
		expect(message.author.id).toBe(user.id);
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
			await watcher.socket.expectQuiet();
			await sender.socket.expectQuiet();
			expect(await storedRows(room)).toBe(1);
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
			await again.expectQuiet();
			expect(await storedRows(room)).toBe(1);
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

	describe("resume", () => {
		it("replays exactly the 50 messages a client missed, in order, before live ones", async () => {
			const room = await freshRoom();
			const talker = await guestIn(room);
			const sleeper = await guestIn(room);
			await talker.socket.hello();
			await sleeper.socket.hello();
			talker.socket.send(sendFrame(newClientId(), "before the nap"));
			const seen = (await sleeper.socket.expect("message")).message.seq;
			sleeper.socket.close();
			await sleeper.socket.closed;

			for (let i = 0; i < 50; i++) talker.socket.send(sendFrame(newClientId(), `missed ${i}`));
			await talker.socket.collect("ack", 51);

			const back = await openSocket(sleeper.client, roomPath(room));
			const welcome = await back.hello(seen);
			expect(welcome.latestSeq).toBe(51);
			talker.socket.send(sendFrame(newClientId(), "live after resume"));
			const replayed = await back.take("message", 51);
			expect(replayed.slice(0, 50).map((f) => f.message.text)).toEqual(
				Array.from({ length: 50 }, (_, i) => `missed ${i}`),
			);
			expect(replayed.map((f) => f.message.seq)).toEqual(Array.from({ length: 51 }, (_, i) => seen + 1 + i));
			expect(replayed[50]?.message.text).toBe("live after resume");
		});

		it("sends reset when the gap is larger than one replay page", async () => {
			const room = await freshRoom();
			await runInDurableObject(stubFor(room), (_instance, state) => {
				const store = new MessageStore(state.storage.sql);
				for (let i = 0; i < 150; i++)
					store.append({ id: "u1", name: "Seeder", image: null, guest: false }, `m${i}`, `seed-${i}-xxxx`, Date.now());
			});
			// The seeding wrote behind the live instance's back; a fresh instance reads the new counter.
			await evictDurableObject(stubFor(room));
			const { socket } = await guestIn(room);
			await socket.hello(10);
			expect(await socket.expect("reset")).toEqual({
				type: "reset",
				reason: "gap_too_large",
				oldestSeq: 1,
				latestSeq: 150,
			});
			await socket.expectQuiet();
		});

		it("sends reset when the client claims a seq the room never issued", async () => {
			const room = await freshRoom();
			const { socket } = await guestIn(room);
			await socket.hello(5);
			expect(await socket.expect("reset")).toMatchObject({ reason: "ahead", latestSeq: 0 });
		});

		it("replays nothing to a client that is up to date and delivers live messages after", async () => {
			const room = await freshRoom();
			const { socket } = await guestIn(room);
			await socket.hello(0);
			socket.send(sendFrame(newClientId(), "first"));
			expect((await socket.expect("message")).message.seq).toBe(1);
			await socket.expect("ack");
		});
	});

	it("keeps sockets, attachments and seq across hibernation", async () => {
		const room = await freshRoom();
		const a = await guestIn(room);
		const b = await guestIn(room);
		await a.socket.hello();
		await b.socket.hello();
		a.socket.send(sendFrame(newClientId(), "before"));
		await b.socket.expect("message");

		await evictDurableObject(stubFor(room), { webSockets: "hibernate" });

		a.socket.send(sendFrame(newClientId(), "after"));
		const after = await b.socket.expect("message");
		expect(after.message).toMatchObject({ seq: 2, text: "after", author: { id: a.user.id, name: a.user.name } });
		const attachments = await runInDurableObject(stubFor(room), (_instance, state) =>
			state.getWebSockets().map((ws) => ws.deserializeAttachment()),
		);
		expect(attachments).toHaveLength(2);
		expect(attachments.map((x) => x.user.id).sort()).toEqual([a.user.id, b.user.id].sort());
		expect(attachments.every((x) => x.ready === true)).toBe(true);
	});

	it("keeps each socket attachment under 2 KiB even with every profile field at its longest", async () => {
		const room = await freshRoom();
		// The longest of everything the Worker lets through (names and avatar URLs are capped where written).
		const upgrade = roomUpgradeRequest({
			roomId: room,
			user: {
				id: "u".repeat(64),
				name: "N".repeat(MAX_NAME_LENGTH),
				image: `https://avatars.githubusercontent.com/${"x".repeat(MAX_IMAGE_URL - 38)}`,
				guest: true,
			},
			sessionId: "s".repeat(64),
			sessionExpiresAt: Date.now() + 60_000,
		});
		const res = await stubFor(room).fetch(upgrade);
		expect(res.status).toBe(101);
		res.webSocket?.accept();
		const sizes = await runInDurableObject(stubFor(room), (_instance, state) =>
			state.getWebSockets().map((ws) => JSON.stringify(ws.deserializeAttachment()).length),
		);
		expect(sizes).toHaveLength(1);
		expect(sizes[0]).toBeLessThan(2048);
		res.webSocket?.close();
	});

	it("uses indexes for history pages and idempotency lookups", async () => {
		const room = await freshRoom();
		const plans = await runInDurableObject(stubFor(room), (_instance, state) => {
			new MessageStore(state.storage.sql);
			const plan = (sql: string, ...args: unknown[]) =>
				state.storage.sql
					.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...args)
					.toArray()
					.map((r) => r.detail)
					.join("; ");
			return {
				page: plan("SELECT seq, text FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?", 100, 51),
				after: plan("SELECT seq, text FROM messages WHERE seq > ? ORDER BY seq ASC LIMIT ?", 10, 100),
				byClient: plan("SELECT seq FROM messages WHERE author_id = ? AND client_id = ?", "u", "c"),
			};
		});
		expect(plans.page).toMatch(/SEARCH messages USING INTEGER PRIMARY KEY \(rowid<\?\)/);
		expect(plans.after).toMatch(/SEARCH messages USING INTEGER PRIMARY KEY \(rowid>\?\)/);
		expect(plans.byClient).toMatch(/USING (COVERING )?INDEX messages_author_client/);
		for (const p of Object.values(plans)) expect(p).not.toMatch(/TEMP B-TREE/);
	});
});
