import { env, evictDurableObject, listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import {
	editFrame,
	freshRoom,
	newClientId,
	openSocket,
	reactFrame,
	roomPath,
	sendFrame,
} from "../../tests/workers/room-socket";
import type { RoomDetails, RoomList, RoomSummary } from "../protocol/http-api";
import { CLOSE_LEFT_ROOM } from "../protocol/room-protocol";

async function guest() {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	return { client, user };
}

async function create(client: TestClient, name: string, visibility: "public" | "private"): Promise<RoomSummary> {
	const res = await client.postJson("/api/rooms", { name, visibility });
	if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
	return res.json();
}

async function list(client: TestClient): Promise<RoomSummary[]> {
	const res = await client.fetch("/api/rooms");
	expect(res.status).toBe(200);
	return ((await res.json()) as RoomList).rooms;
}

async function roomWasWoken(room: string): Promise<boolean> {
	const ids = await listDurableObjectIds(env.CHAT_ROOM);
	return ids.some((id) => id.equals(env.CHAT_ROOM.idFromName(room)));
}

const unique = () => crypto.randomUUID().slice(0, 8);

describe("rooms", () => {
	it("creates a public room under its name's canonical slug and lists it first for its creator", async () => {
		const { client } = await guest();
		const tag = unique();
		const room = await create(client, `  Café Déjà Vu ${tag}!! `, "public");
		expect(room).toMatchObject({ id: `cafe-deja-vu-${tag}`, name: `Café Déjà Vu ${tag}!!`, member: true, unread: 0 });
		const rooms = await list(client);
		expect(rooms.find((r) => r.id === room.id)).toMatchObject({ member: true });
		// The creator's rooms come before rooms to browse.
		const firstBrowse = rooms.findIndex((r) => !r.member);
		expect(firstBrowse === -1 || rooms.findIndex((r) => r.id === room.id) < firstBrowse).toBe(true);
	});

	it("refuses a public name that is taken, a name with no letters, and an empty name", async () => {
		const { client } = await guest();
		const name = `dup ${unique()}`;
		await create(client, name, "public");
		const again = await client.postJson("/api/rooms", { name: name.toUpperCase(), visibility: "public" });
		expect(again.status).toBe(409);
		expect(((await again.json()) as { error: { code: string } }).error.code).toBe("room_exists");
		const symbols = await client.postJson("/api/rooms", { name: "!!! ???", visibility: "public" });
		expect(symbols.status).toBe(400);
		const empty = await client.postJson("/api/rooms", { name: "   ", visibility: "public" });
		expect(empty.status).toBe(400);
		const bad = await client.postJson("/api/rooms", { name: "x", visibility: "secret" });
		expect(bad.status).toBe(400);
	});

	it("gives private rooms an unguessable id, so two can share a name", async () => {
		const { client } = await guest();
		const name = `plans ${unique()}`;
		const a = await create(client, name, "private");
		const b = await create(client, name, "private");
		expect(a.id).not.toBe(b.id);
		expect(a.id).toMatch(new RegExp(`^${name.replace(" ", "-")}--[a-z0-9]{6}$`));
	});

	it("lists public rooms to everyone but a private room only to its members", async () => {
		const owner = await guest();
		const other = await guest();
		const open = await create(owner.client, `open ${unique()}`, "public");
		const hidden = await create(owner.client, `hidden ${unique()}`, "private");
		const seen = await list(other.client);
		expect(seen.find((r) => r.id === open.id)).toMatchObject({ member: false, unread: 0, lastReadSeq: null });
		expect(seen.some((r) => r.id === hidden.id)).toBe(false);
	});

	it("answers a non-member of a private room exactly as it answers a missing room, and never wakes the room", async () => {
		const owner = await guest();
		const stranger = await guest();
		const hidden = await create(owner.client, `vault ${unique()}`, "private");
		const missing = `missing-${unique()}`;
		const probe = async (room: string) => {
			const answers = [];
			for (const [path, init] of [
				[`/api/rooms/${room}`, {}],
				[`/api/rooms/${room}/messages`, {}],
				[roomPath(room), { headers: { Upgrade: "websocket", Origin: stranger.client.origin } }],
				[`/api/rooms/${room}/join`, { method: "POST" }],
				[`/api/rooms/${room}/read`, { method: "PUT", body: '{"seq":1,"n":1}' }],
				[`/api/rooms/${room}/invites`, { method: "POST" }],
			] as const) {
				const res = await stranger.client.fetch(path, init);
				answers.push({ status: res.status, body: await res.text() });
			}
			return answers;
		};
		const forHidden = await probe(hidden.id);
		const forMissing = await probe(missing);
		expect(forHidden).toEqual(forMissing);
		expect(forHidden.every((a) => a.status === 404)).toBe(true);
		expect(await roomWasWoken(hidden.id)).toBe(false);
	});

	it("joins a public room explicitly or by opening it, and leaving takes it off the user's list", async () => {
		const owner = await guest();
		const other = await guest();
		const room = await create(owner.client, `lobby ${unique()}`, "public");
		const joined = await other.client.fetch(`/api/rooms/${room.id}/join`, { method: "POST" });
		expect(joined.status).toBe(200);
		expect((await list(other.client)).find((r) => r.id === room.id)?.member).toBe(true);

		const left = await other.client.fetch(`/api/rooms/${room.id}/leave`, { method: "POST" });
		expect(left.status).toBe(204);
		expect((await list(other.client)).find((r) => r.id === room.id)?.member).toBe(false);

		const socket = await openSocket(other.client, roomPath(room.id));
		await socket.hello();
		expect((await list(other.client)).find((r) => r.id === room.id)?.member).toBe(true);
		socket.close();
	});

	it("closes a member's sockets when they leave a private room, and shuts them out after", async () => {
		const owner = await guest();
		const room = await create(owner.client, `secret ${unique()}`, "private");
		const socket = await openSocket(owner.client, roomPath(room.id));
		await socket.hello();
		const left = await owner.client.fetch(`/api/rooms/${room.id}/leave`, { method: "POST" });
		expect(left.status).toBe(204);
		// Not 1008: leaving a room is not a session problem, and the app must not sign the user out.
		expect((await socket.closed).code).toBe(CLOSE_LEFT_ROOM);
		expect((await owner.client.fetch(`/api/rooms/${room.id}/messages`)).status).toBe(404);
	});

	it("counts unread messages from the read marker, which only moves forward; changes never count (issue 18)", async () => {
		const author = await guest();
		const reader = await guest();
		const room = await freshRoom("unread");
		const readerSocket = await openSocket(reader.client, roomPath(room));
		await readerSocket.hello();
		const socket = await openSocket(author.client, roomPath(room));
		await socket.hello();
		for (let i = 1; i <= 5; i++) socket.send(sendFrame(newClientId(), `message ${i}`));
		const sent = [];
		for (let i = 0; i < 5; i++) sent.push(await socket.ack());
		// Two changes take seqs 6 and 7: the room's latest seq moves, its message count does not.
		socket.send(reactFrame(newClientId(), sent[0]?.id ?? "", "👍"));
		socket.send(editFrame(newClientId(), sent[1]?.id ?? "", "message 2, edited"));
		await socket.collect("ack", 2);

		// The room copies its latest seq and count to D1 a moment after a batch.
		await expect
			.poll(async () => (await list(reader.client)).find((r) => r.id === room)?.latestSeq, { timeout: 3000 })
			.toBe(7);
		expect((await list(reader.client)).find((r) => r.id === room)?.unread).toBe(5);
		const put = (seq: number, n: number) =>
			reader.client.fetch(`/api/rooms/${room}/read`, {
				method: "PUT",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ seq, n }),
			});
		expect(await (await put(3, 3)).json()).toEqual({ lastReadSeq: 3, lastReadN: 3 });
		expect((await list(reader.client)).find((r) => r.id === room)).toMatchObject({ lastReadSeq: 3, unread: 2 });
		// A tab that reports late cannot move the marker back.
		expect(await (await put(1, 1)).json()).toEqual({ lastReadSeq: 3, lastReadN: 3 });
		expect((await put(-1, 1)).status).toBe(400);
		expect((await put(4, -1)).status).toBe(400);
		expect(await (await put(5, 5)).json()).toEqual({ lastReadSeq: 5, lastReadN: 5 });
		expect((await list(reader.client)).find((r) => r.id === room)?.unread).toBe(0);
		// More changes to read messages still leave nothing unread.
		socket.send(reactFrame(newClientId(), sent[4]?.id ?? "", "🎉"));
		await socket.ack();
		await expect
			.poll(async () => (await list(reader.client)).find((r) => r.id === room)?.latestSeq, { timeout: 3000 })
			.toBe(8);
		expect((await list(reader.client)).find((r) => r.id === room)?.unread).toBe(0);
	});

	it("repairs a room's latest seq in D1 on its first hello after waking (rooms older than the table)", async () => {
		const author = await guest();
		const room = await freshRoom("older");
		const socket = await openSocket(author.client, roomPath(room));
		await socket.hello();
		for (let i = 1; i <= 3; i++) socket.send(sendFrame(newClientId(), `old ${i}`));
		for (let i = 0; i < 3; i++) await socket.ack();
		socket.close();
		// Once the room's own copy landed, set it back as migration 0003 records a room that existed
		// before it: latestSeq unknown, so 0.
		await expect.poll(async () => (await list(author.client)).find((r) => r.id === room)?.latestSeq).toBe(3);
		await env.DB.prepare("UPDATE room SET latestSeq = 0 WHERE id = ?").bind(room).run();
		await evictDurableObject(env.CHAT_ROOM.getByName(room));
		const again = await openSocket(author.client, roomPath(room));
		await again.hello();
		await expect
			.poll(async () => (await list(author.client)).find((r) => r.id === room)?.latestSeq, { timeout: 3000 })
			.toBe(3);
	});

	it("shows a newcomer none of the old messages as unread", async () => {
		const author = await guest();
		const room = await freshRoom("newcomer");
		const socket = await openSocket(author.client, roomPath(room));
		await socket.hello();
		for (let i = 1; i <= 3; i++) socket.send(sendFrame(newClientId(), `old ${i}`));
		for (let i = 0; i < 3; i++) await socket.ack();
		await expect
			.poll(async () => (await list(author.client)).find((r) => r.id === room)?.latestSeq, { timeout: 3000 })
			.toBe(3);
		const late = await guest();
		await late.client.fetch(`/api/rooms/${room}/join`, { method: "POST" });
		expect((await list(late.client)).find((r) => r.id === room)).toMatchObject({ unread: 0, lastReadSeq: 3 });
	});

	it("describes a room for its info panel: members, message count, storage, oldest message, retention", async () => {
		const owner = await guest();
		const room = await create(owner.client, `info ${unique()}`, "public");
		const socket = await openSocket(owner.client, roomPath(room.id));
		await socket.hello();
		socket.send(sendFrame(newClientId(), "first"));
		const ack = await socket.ack();
		socket.send(sendFrame(newClientId(), "second"));
		await socket.ack();
		const res = await owner.client.fetch(`/api/rooms/${room.id}`);
		expect(res.status).toBe(200);
		const details: RoomDetails = await res.json();
		expect(details.members).toEqual({
			members: [{ id: owner.user.id, name: owner.user.name, image: null, guest: true, role: "owner" }],
			next: null,
		});
		expect(details.stats).toMatchObject({
			messageCount: 2,
			oldestSeq: 1,
			latestSeq: 2,
			oldestAt: ack.createdAt,
			retention: { maxMessages: 10_000, maxDays: 30 },
		});
		expect(details.stats.storageBytes).toBeGreaterThan(0);
	});

	it("refuses writes from a foreign or missing origin", async () => {
		const { client } = await guest();
		const res = await client.fetch("/api/rooms", {
			method: "POST",
			headers: { origin: "https://evil.example", "content-type": "application/json" },
			body: JSON.stringify({ name: `x ${unique()}`, visibility: "public" }),
		});
		expect(res.status).toBe(403);
		const join = await client.fetch("/api/rooms/general/join", { method: "POST", headers: { origin: "null" } });
		expect(join.status).toBe(403);
	});

	it("requires a session for every room route", async () => {
		const anon = new TestClient();
		for (const path of ["/api/rooms", "/api/rooms/general", "/api/invites/abc"]) {
			expect((await anon.fetch(path)).status).toBe(401);
		}
	});
});
