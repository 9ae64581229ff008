import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { deleteFrame, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import type { ChatRoomDurableObject } from "../chat-room/ChatRoomDurableObject";
import type { RoomSummary } from "../protocol/http-api";
import { type InboxServerMessage, parseInboxMessage } from "../protocol/inbox-protocol";
import { mentionToken } from "../protocol/mentions";

type Frame<T extends InboxServerMessage["type"]> = Extract<InboxServerMessage, { type: T }>;

/** A real inbox socket through the Worker, its frames parsed by the shared protocol module. */
class InboxSocket {
	readonly frames: InboxServerMessage[] = [];
	readonly closed: Promise<{ code: number }>;
	private cursor = 0;

	constructor(readonly ws: WebSocket) {
		ws.addEventListener("message", (event) => {
			const frame = typeof event.data === "string" ? parseInboxMessage(event.data) : null;
			if (!frame) throw new Error(`inbox sent a frame outside the protocol: ${String(event.data)}`);
			this.frames.push(frame);
		});
		this.closed = new Promise((resolve) => ws.addEventListener("close", (event) => resolve({ code: event.code })));
		ws.accept();
	}

	static async open(client: TestClient): Promise<InboxSocket> {
		const res = await client.fetch("/api/inbox", { headers: { Upgrade: "websocket", Origin: client.origin } });
		if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status}`);
		return new InboxSocket(res.webSocket);
	}

	/** The next frame of `type` that satisfies `test`, skipping others; waits up to `timeoutMs`. */
	async next<T extends InboxServerMessage["type"]>(
		type: T,
		test: (frame: Frame<T>) => boolean = () => true,
		timeoutMs = 3000,
	): Promise<Frame<T>> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			while (this.cursor < this.frames.length) {
				const frame = this.frames[this.cursor++];
				if (frame?.type === type && test(frame as Frame<T>)) return frame as Frame<T>;
			}
			if (Date.now() > deadline) throw new Error(`no ${type} frame within ${timeoutMs} ms`);
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}
}

async function roomWith(owner: TestClient, ...members: TestClient[]): Promise<string> {
	const res = await owner.postJson("/api/rooms", {
		name: `inbox ${crypto.randomUUID().slice(0, 8)}`,
		visibility: "public",
	});
	const room = ((await res.json()) as RoomSummary).id;
	for (const member of members) expect((await member.postJson(`/api/rooms/${room}/join`, {})).status).toBe(200);
	return room;
}

async function signedIn(): Promise<[TestClient, string]> {
	const client = new TestClient();
	return [client, (await client.signInAsGuest()).id];
}

const watchers = (room: string) =>
	runInDurableObject(env.CHAT_ROOM.getByName(room) as DurableObjectStub<ChatRoomDurableObject>, (_, state) =>
		state.storage.sql
			.exec<{ user_id: string }>("SELECT user_id FROM inbox_watchers ORDER BY user_id")
			.toArray()
			.map((row) => row.user_id),
	);

/** Ada, whose sidebar is online and has seen the room, and Bo, who owns it: both members. */
async function watchingRoom() {
	const [ada, adaId] = await signedIn();
	const [bo] = await signedIn();
	const room = await roomWith(bo, ada);
	const inbox = await InboxSocket.open(ada);
	await inbox.next("rooms", (f) => f.rooms.some((r) => r.roomId === room));
	return { ada, adaId, bo, room, inbox };
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (done(value) || Date.now() > deadline) return value;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe("the user's inbox: a live sidebar without polling (issue 21)", () => {
	it("tells an online member of a message in another room, mention counted, and never touches offline members", async () => {
		const [ada, adaId] = await signedIn();
		const [bo] = await signedIn();
		const [cy, cyId] = await signedIn();
		const room = await roomWith(bo, ada, cy);
		const inbox = await InboxSocket.open(ada);
		const snapshot = await inbox.next("rooms", (f) => f.rooms.some((r) => r.roomId === room));
		expect(snapshot.rooms.find((r) => r.roomId === room)).toEqual({ roomId: room, latestSeq: 0, latestN: 0 });

		const writer = await openSocket(bo, roomPath(room));
		await writer.hello();
		writer.send(sendFrame(newClientId(), `hello ${mentionToken(adaId)}`));
		const { seq } = await writer.ack();
		const note = await inbox.next("room_activity", (f) => f.roomId === room);
		expect(note).toEqual({
			type: "room_activity",
			roomId: room,
			latestSeq: seq,
			latestN: 1,
			mentions: 1,
			latestMentionSeq: seq,
			unmentioned: [],
		});
		// Only the member whose sidebar is online is known to the room; Cy, offline, costs it nothing.
		expect(await watchers(room)).toEqual([adaId]);
		expect(await watchers(room)).not.toContain(cyId);
		writer.close();
		inbox.ws.close();
	});

	it("tells a mentioned member's sidebar when the message that mentioned them is deleted", async () => {
		const { adaId, bo, room, inbox } = await watchingRoom();
		const writer = await openSocket(bo, roomPath(room));
		await writer.hello();
		writer.send(sendFrame(newClientId(), `look ${mentionToken(adaId)}`));
		const { seq, id } = await writer.ack();
		await inbox.next("room_activity", (f) => f.roomId === room && f.mentions === 1);

		writer.send(deleteFrame(newClientId(), id));
		const deleted = await writer.ack();
		const note = await inbox.next("room_activity", (f) => f.roomId === room && f.latestSeq === deleted.seq);
		expect(note).toMatchObject({ mentions: 0, unmentioned: [seq] });
		writer.close();
		inbox.ws.close();
	});

	it("coalesces a burst into at most one note per second, the last carrying the newest message", async () => {
		const { bo, room, inbox } = await watchingRoom();
		const writer = await openSocket(bo, roomPath(room));
		await writer.hello();
		// Eight messages spread over 700 ms: without coalescing, eight notes.
		let last = 0;
		for (let i = 0; i < 8; i++) {
			writer.send(sendFrame(newClientId(), `burst ${i}`));
			last = (await writer.ack()).seq;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		await inbox.next("room_activity", (f) => f.roomId === room && f.latestSeq === last);
		const notes = inbox.frames.filter((f) => f.type === "room_activity" && f.roomId === room);
		expect(notes.length).toBeLessThanOrEqual(2);
		expect(notes.at(-1)).toMatchObject({ latestSeq: last, latestN: 8, mentions: 0 });
		writer.close();
		inbox.ws.close();
	});

	it("is forgotten by a room once its socket closed, and stops hearing of a room it left", async () => {
		const { ada, adaId, bo, room, inbox } = await watchingRoom();
		expect(await watchers(room)).toEqual([adaId]);
		inbox.ws.close();
		await inbox.closed;

		const writer = await openSocket(bo, roomPath(room));
		await writer.hello();
		writer.send(sendFrame(newClientId(), "nobody is listening"));
		await writer.ack();
		// The room's next note finds no socket, and the room drops the watcher.
		expect(
			await poll(
				() => watchers(room),
				(ids) => ids.length === 0,
			),
		).toEqual([]);

		const again = await InboxSocket.open(ada);
		await again.next("rooms", (f) => f.rooms.some((r) => r.roomId === room));
		expect(await watchers(room)).toEqual([adaId]);
		expect((await ada.postJson(`/api/rooms/${room}/leave`, {})).status).toBe(204);
		expect(await watchers(room)).toEqual([]);
		// Her other tabs and devices drop it from their sidebars.
		expect(await again.next("left", (f) => f.roomId === room)).toEqual({ type: "left", roomId: room });
		writer.close();
		again.ws.close();
	});

	it("does not keep watching a room the user left before a late watch of it arrived", async () => {
		const { adaId, room, inbox } = await watchingRoom();
		// Ada leaves (the row goes, then the room forgets her), while a watch sent from an older
		// read of her rooms, like a join notice still on its way, is yet to reach the room.
		await env.DB.prepare('DELETE FROM room_member WHERE "roomId" = ? AND "userId" = ?').bind(room, adaId).run();
		await env.CHAT_ROOM.getByName(room).unwatchActivity(adaId);
		const framesBefore = inbox.frames.length;
		await env.USER_INBOX.getByName(adaId).watchRoom(adaId, room);
		expect(await watchers(room)).toEqual([]);
		expect(inbox.frames.slice(framesBefore).filter((f) => f.type === "rooms")).toEqual([]);
		inbox.ws.close();
	});

	it("watches a room joined while the sidebar is online, and passes on read markers from other devices", async () => {
		const [ada] = await signedIn();
		const [bo] = await signedIn();
		const inbox = await InboxSocket.open(ada);
		await inbox.next("rooms");
		const room = await roomWith(bo, ada);
		expect(await inbox.next("rooms", (f) => f.rooms.some((r) => r.roomId === room))).toBeTruthy();

		const writer = await openSocket(bo, roomPath(room));
		await writer.hello();
		writer.send(sendFrame(newClientId(), "after joining"));
		const { seq } = await writer.ack();
		await inbox.next("room_activity", (f) => f.roomId === room && f.latestSeq === seq);

		const read = await ada.fetch(`/api/rooms/${room}/read`, {
			method: "PUT",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ seq, n: 1 }),
		});
		expect(read.status).toBe(200);
		expect(await inbox.next("read", (f) => f.roomId === room)).toEqual({
			type: "read",
			roomId: room,
			lastReadSeq: seq,
			lastReadN: 1,
		});
		writer.close();
		inbox.ws.close();
	});

	it("needs a session and a trusted origin, closes on sign-out, and takes no frames but pings", async () => {
		const stranger = new TestClient();
		const refused = await stranger.fetch("/api/inbox", { headers: { Upgrade: "websocket", Origin: stranger.origin } });
		expect(refused.status).toBe(401);
		const [ada] = await signedIn();
		const foreign = await ada.fetch("/api/inbox", {
			headers: { Upgrade: "websocket", Origin: "https://evil.example" },
		});
		expect(foreign.status).toBe(403);

		const chatty = await InboxSocket.open(ada);
		chatty.ws.send('{"type":"send","text":"hi"}');
		expect((await chatty.closed).code).toBe(1003);

		const inbox = await InboxSocket.open(ada);
		await inbox.next("rooms");
		expect((await ada.postJson("/api/auth/sign-out", {})).status).toBe(200);
		expect((await inbox.closed).code).toBe(1008);
	});
});
