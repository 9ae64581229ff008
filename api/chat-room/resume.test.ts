import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import type { ChatRoomDurableObject } from "./ChatRoomDurableObject";
import { MessageStore } from "./message-store";

async function guestIn(room: string) {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	const socket = await openSocket(client, roomPath(room));
	return { client, user, socket };
}

function stubFor(room: string): DurableObjectStub<ChatRoomDurableObject> {
	return env.CHAT_ROOM.getByName(room);
}

describe("resume after a reconnect", () => {
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
				store.append(
					{ id: "u1", name: "Seeder", image: null, guest: false },
					`m${i}`,
					`seed-${i}-xxxx`,
					Date.now(),
					null,
				);
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
		// Nothing replayed after the reset.
		await socket.expectNothingMore();
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
