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
	it("tells a newcomer who is here and tells everyone when someone arrives", async () => {
		const room = await freshRoom("here");
		const a = await guest();
		const b = await guest();
		const aSocket = await join(a.client, room);
		expect(ids(await aSocket.nextEphemeral("presence"))).toEqual([a.user.id]);
		const bSocket = await join(b.client, room);
		expect(ids(await bSocket.nextEphemeral("presence"))).toEqual([a.user.id, b.user.id].sort());
		expect(ids(await aSocket.nextEphemeral("presence"))).toEqual([a.user.id, b.user.id].sort());
	});

	it("lists a user once however many tabs they have", async () => {
		const room = await freshRoom("tabs");
		const a = await guest();
		const b = await guest();
		const watcher = await join(b.client, room);
		await watcher.nextEphemeral("presence");
		await join(a.client, room);
		expect(ids(await watcher.nextEphemeral("presence"))).toEqual([a.user.id, b.user.id].sort());
		const tab2 = await join(a.client, room);
		expect(ids(await tab2.nextEphemeral("presence"))).toEqual([a.user.id, b.user.id].sort());
	});

	it("shows a user as gone once they close their last socket and the grace period passes", async () => {
		const room = await freshRoom("gone");
		const a = await guest();
		const b = await guest();
		const watcher = await join(b.client, room);
		await watcher.nextEphemeral("presence");
		const socket = await join(a.client, room);
		await watcher.nextEphemeral("presence");
		socket.close();
		expect(ids(await watcher.nextEphemeral("presence", GRACE_MS + 3000))).toEqual([b.user.id]);
	});

	it("keeps presence and typing out of the stored history", async () => {
		const room = await freshRoom("nostore");
		const a = await guest();
		const b = await guest();
		const aSocket = await join(a.client, room);
		const bSocket = await join(b.client, room);
		// Wait for every presence list and notice the room sends: they have all been handled by then.
		await aSocket.nextEphemeral("presence");
		aSocket.send({ type: "typing" });
		await bSocket.nextEphemeral("typing");
		bSocket.close();
		expect(ids(await aSocket.nextEphemeral("presence", GRACE_MS + 3000))).toEqual([a.user.id]);
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
