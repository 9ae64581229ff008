import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import { MAX_IMAGE_URL } from "../avatar-hosts";
import { MAX_NAME_LENGTH } from "../protocol/display-text";
import { PROTOCOL_VERSION } from "../protocol/room-protocol";
import type { ChatRoomDurableObject } from "./ChatRoomDurableObject";
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

	it("ignores identity fields a client puts in its frames", async () => {
		const room = await freshRoom();
		const { user, socket } = await guestIn(room);
		await socket.hello();
		socket.send({ ...sendFrame(newClientId(), "who am I"), author: { id: "admin", name: "Admin" }, userId: "admin" });
		const { message } = await socket.expect("message");
		await socket.expect("ack");
		expect(message.author.id).toBe(user.id);
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
			role: "moderator",
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
});
