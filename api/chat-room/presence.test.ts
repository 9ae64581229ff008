import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";

// vitest.workers.config.ts sets PRESENCE_GRACE_MS to 400.
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

	it("lists a user once however many tabs they have, and says nothing when another tab opens", async () => {
		const room = await freshRoom("tabs");
		const a = await guest();
		const b = await guest();
		const watcher = await join(b.client, room);
		await watcher.nextEphemeral("presence");
		const tab1 = await join(a.client, room);
		expect(ids(await watcher.nextEphemeral("presence"))).toEqual([a.user.id, b.user.id].sort());
		const tab2 = await join(a.client, room);
		expect(ids(await tab2.nextEphemeral("presence"))).toEqual([a.user.id, b.user.id].sort());
		await watcher.expectNoEphemeral("presence", 200);
		tab1.close();
		// The other tab is still open: nobody left.
		await watcher.expectNoEphemeral("presence", GRACE_MS + 300);
	});

	it("announces nothing when a user reconnects within the grace period", async () => {
		const room = await freshRoom("blip");
		const a = await guest();
		const b = await guest();
		const watcher = await join(b.client, room);
		await watcher.nextEphemeral("presence");
		const first = await join(a.client, room);
		await watcher.nextEphemeral("presence");
		first.close();
		await new Promise((resolve) => setTimeout(resolve, GRACE_MS / 4));
		await join(a.client, room);
		await watcher.expectNoEphemeral("presence", GRACE_MS + 300);
	});

	it("shows a user as gone once the grace period passes without a socket", async () => {
		const room = await freshRoom("gone");
		const a = await guest();
		const b = await guest();
		const watcher = await join(b.client, room);
		await watcher.nextEphemeral("presence");
		const socket = await join(a.client, room);
		await watcher.nextEphemeral("presence");
		const closedAt = Date.now();
		socket.close();
		expect(ids(await watcher.nextEphemeral("presence", GRACE_MS + 2000))).toEqual([b.user.id]);
		expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
	});

	it("sends one list, not one per arrival, when many users arrive at once (as after a deploy)", async () => {
		const room = await freshRoom("crowd");
		const watcherUser = await guest();
		const watcher = await join(watcherUser.client, room);
		await watcher.nextEphemeral("presence");
		const crowd = await Promise.all(Array.from({ length: 6 }, () => guest()));
		await Promise.all(crowd.map((g) => join(g.client, room)));
		const everyone = [watcherUser.user.id, ...crowd.map((g) => g.user.id)].sort();
		await expect
			.poll(() => ids(watcher.ephemeral.filter((f) => f.type === "presence").at(-1) ?? { users: [] }))
			.toEqual(everyone);
		await new Promise((resolve) => setTimeout(resolve, 400));
		// The first list was the watcher's own; six arrivals then cost a few lists, not six.
		const lists = watcher.ephemeral.filter((f) => f.type === "presence").length - 1;
		expect(lists).toBeLessThanOrEqual(3);
	});

	it("keeps presence out of the stored history", async () => {
		const room = await freshRoom("nostore");
		const a = await guest();
		const b = await guest();
		const aSocket = await join(a.client, room);
		const bSocket = await join(b.client, room);
		bSocket.close();
		aSocket.send({ type: "typing" });
		const res = await a.client.fetch(`/api/rooms/${room}/messages`);
		expect(await res.json()).toMatchObject({ messages: [], latestSeq: 0 });
	});
});

describe("typing", () => {
	it("relays typing to the room's other users only, throttled, and never stores it", async () => {
		const room = await freshRoom("typing");
		const a = await guest();
		const b = await guest();
		const aSocket = await join(a.client, room);
		const aTab2 = await join(a.client, room);
		const bSocket = await join(b.client, room);
		aSocket.send({ type: "typing" });
		const notice = await bSocket.nextEphemeral("typing");
		expect(notice.user).toEqual({ id: a.user.id, name: a.user.name, image: null, guest: true });
		// The typist's own tabs are not told.
		await aTab2.expectNoEphemeral("typing", 150);
		// A client that sends on every keystroke reaches the others at most once a second.
		for (let i = 0; i < 10; i++) aSocket.send({ type: "typing" });
		await bSocket.expectNoEphemeral("typing", 300);
		// Typing is not a message: nothing was stored and the next send still gets seq 1.
		aSocket.send(sendFrame(newClientId(), "hi"));
		expect((await aSocket.ack()).seq).toBe(1);
	});

	it("ignores typing from a socket that has not said hello", async () => {
		const room = await freshRoom("early");
		const a = await guest();
		const b = await guest();
		const bSocket = await join(b.client, room);
		const early = await openSocket(a.client, roomPath(room));
		early.send({ type: "typing" });
		await bSocket.expectNoEphemeral("typing", 200);
	});
});
