import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";

// vitest.workers.config.ts sets PRESENCE_GRACE_MS to 400. What must *not* be sent (a list when a
// second tab opens, a reconnect within the grace, typing to the typist) is tested on the
// mechanisms themselves with fake timers, in presence-tracker.test.ts and typing-relay.test.ts.
const GRACE_MS = 400;

async function guest() {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	return { client, user };
}

async function join(client: TestClient, room: string) {
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	return socket;
}

const ids = (frame: { users: Array<{ id: string }> }) => frame.users.map((u) => u.id).sort();

describe("presence", () => {
	it("tells a newcomer who is here (the whole list) and everyone else who arrived (a delta)", async () => {
		const room = await freshRoom("here");
		const a = await guest();
		const b = await guest();
		const aSocket = await join(a.client, room);
		expect(ids(await aSocket.nextEphemeral("presence"))).toEqual([a.user.id]);
		const bSocket = await join(b.client, room);
		const list = await bSocket.nextEphemeral("presence");
		expect(ids(list)).toEqual([a.user.id, b.user.id].sort());
		expect(list.total).toBe(2);
		const delta = await aSocket.nextEphemeral("presence_delta");
		// (The room's first delta may name a too: it arrived in the same 200 ms window.)
		expect(delta).toMatchObject({ left: [], total: 2 });
		expect(delta.joined.map((u) => u.id)).toContain(b.user.id);
		expect(await aSocket.presentIds([a.user.id, b.user.id])).toEqual([a.user.id, b.user.id].sort());
	});

	it("lists a user once however many tabs they have", async () => {
		const room = await freshRoom("tabs");
		const a = await guest();
		const b = await guest();
		const watcher = await join(b.client, room);
		await join(a.client, room);
		expect(await watcher.presentIds([a.user.id, b.user.id])).toEqual([a.user.id, b.user.id].sort());
		const tab2 = await join(a.client, room);
		const list = await tab2.nextEphemeral("presence");
		expect(ids(list)).toEqual([a.user.id, b.user.id].sort());
		expect(list.total).toBe(2);
	});

	it("shows a user as gone once they close their last socket and the grace period passes", async () => {
		const room = await freshRoom("gone");
		const a = await guest();
		const b = await guest();
		const watcher = await join(b.client, room);
		const socket = await join(a.client, room);
		expect(await watcher.presentIds([a.user.id, b.user.id])).toHaveLength(2);
		socket.close();
		expect(await watcher.presentIds([b.user.id], GRACE_MS + 3000)).toEqual([b.user.id]);
		const last = watcher.ephemeral.filter((f) => f.type === "presence_delta").at(-1);
		expect(last).toMatchObject({ joined: [], left: [a.user.id], total: 1 });
	});

	it("keeps presence and typing out of the stored history", async () => {
		const room = await freshRoom("nostore");
		const a = await guest();
		const b = await guest();
		const aSocket = await join(a.client, room);
		const bSocket = await join(b.client, room);
		// Wait for every presence frame and notice the room sends: they have all been handled by then.
		await aSocket.presentIds([a.user.id, b.user.id]);
		aSocket.send({ type: "typing" });
		await bSocket.nextEphemeral("typing");
		bSocket.close();
		expect(await aSocket.presentIds([a.user.id], GRACE_MS + 3000)).toEqual([a.user.id]);
		const res = await a.client.fetch(`/api/rooms/${room}/messages`);
		expect(await res.json()).toMatchObject({ messages: [], latestSeq: 0 });
		// And the seq counter was not touched: the first message is seq 1.
		aSocket.send(sendFrame(newClientId(), "first"));
		expect((await aSocket.ack()).seq).toBe(1);
	});
});

describe("typing", () => {
	it("relays typing to the room's other users, with the typist's identity", async () => {
		const room = await freshRoom("typing");
		const a = await guest();
		const b = await guest();
		const aSocket = await join(a.client, room);
		const bSocket = await join(b.client, room);
		aSocket.send({ type: "typing" });
		const notice = await bSocket.nextEphemeral("typing");
		expect(notice.user).toEqual({ id: a.user.id, name: a.user.name, image: null, guest: true });
	});
});
