import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import {
	deleteFrame,
	editFrame,
	newClientId,
	openSocket,
	type RoomSocket,
	roomPath,
	sendFrame,
} from "../../tests/workers/room-socket";
import type { HistoryPage, MemberPage, RoomList, RoomSummary } from "../protocol/http-api";
import { HERE_TOKEN, mentionToken } from "../protocol/mentions";
import type { ChangeEvent } from "../protocol/message-events";
import type { ChatMessage } from "../protocol/room-protocol";

type Person = { client: TestClient; user: { id: string; name: string }; socket: RoomSocket };

async function person(room: string, member = true): Promise<Person> {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	if (member) expect((await client.postJson(`/api/rooms/${room}/join`, {})).status).toBe(200);
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	return { client, user, socket };
}

async function ownedRoom(): Promise<{ room: string; owner: Person }> {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	const res = await client.postJson("/api/rooms", {
		name: `mentions ${crypto.randomUUID().slice(0, 8)}`,
		visibility: "public",
	});
	expect(res.status).toBe(201);
	const room = ((await res.json()) as RoomSummary).id;
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	return { room, owner: { client, user, socket } };
}

async function say(p: Person, text: string): Promise<ChatMessage> {
	const clientId = newClientId();
	p.socket.send(sendFrame(clientId, text));
	for (;;) {
		const frame = await p.socket.next();
		if (frame.type === "message" && frame.message.clientId === clientId) {
			await p.socket.ack();
			return frame.message;
		}
	}
}

async function edit(p: Person, messageId: string, text: string): Promise<ChangeEvent> {
	const clientId = newClientId();
	p.socket.send(editFrame(clientId, messageId, text));
	for (;;) {
		const frame = await p.socket.next();
		if (frame.type === "change" && frame.change.messageId === messageId) {
			await p.socket.ack();
			return frame.change;
		}
	}
}

async function roomOf(p: Person, room: string): Promise<RoomSummary | undefined> {
	const res = await p.client.fetch("/api/rooms");
	return ((await res.json()) as RoomList).rooms.find((r) => r.id === room);
}

describe("mentions (issue 19)", () => {
	it("stores mentions of members by id with their names, and drops a non-member's", async () => {
		const { room, owner } = await ownedRoom();
		const bob = await person(room);
		const stranger = new TestClient();
		const strangerUser = await stranger.signInAsGuest();
		const text = `hi ${mentionToken(bob.user.id)} and ${mentionToken(strangerUser.id)} and ${mentionToken("nobody")}`;
		const message = await say(owner, text);
		expect(message.mentions).toEqual([{ id: bob.user.id, name: bob.user.name }]);
		expect(message.text).toBe(text);
		// History returns the same folded state.
		const page = (await (await bob.client.fetch(`/api/rooms/${room}/messages`)).json()) as HistoryPage;
		expect(page.messages.at(-1)?.mentions).toEqual([{ id: bob.user.id, name: bob.user.name }]);
	});

	it("counts a mention in the sidebar apart from unread, until the room is read, and mute hides only the unread", async () => {
		const { room, owner } = await ownedRoom();
		const bob = await person(room);
		await say(owner, "no mention here");
		const mention = await say(owner, `${mentionToken(bob.user.id)} look`);
		await expect.poll(async () => (await roomOf(bob, room))?.mentions, { timeout: 5_000 }).toBe(1);
		// The unread count follows the room's latest copy to D1, which is coalesced.
		await expect.poll(async () => (await roomOf(bob, room))?.unread, { timeout: 5_000 }).toBe(2);
		const summary = await roomOf(bob, room);
		expect(summary?.latestMentionSeq).toBe(mention.seq);
		// The author is never told of their own mention of themselves or anyone else.
		expect((await roomOf(owner, room))?.mentions).toBe(0);

		const muted = await bob.client.fetch(`/api/rooms/${room}/mute`, {
			method: "PUT",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ muted: true }),
		});
		expect(muted.status).toBe(200);
		expect((await roomOf(bob, room))?.muted).toBe(true);

		const read = await bob.client.fetch(`/api/rooms/${room}/read`, {
			method: "PUT",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ seq: mention.seq, n: mention.n }),
		});
		expect(read.status).toBe(200);
		expect((await roomOf(bob, room))?.mentions).toBe(0);
	});

	it("takes a deleted message's mention off the badge, and never resolves a token inside code", async () => {
		const { room, owner } = await ownedRoom();
		const bob = await person(room);
		const inCode = await say(owner, `\`${mentionToken(bob.user.id)}\` is how a mention is written`);
		expect(inCode.mentions).toEqual([]);
		const mention = await say(owner, `${mentionToken(bob.user.id)} look`);
		await expect.poll(async () => (await roomOf(bob, room))?.mentions, { timeout: 5_000 }).toBe(1);
		owner.socket.send(deleteFrame(newClientId(), mention.id));
		await owner.socket.ack();
		await expect.poll(async () => (await roomOf(bob, room))?.mentions, { timeout: 5_000 }).toBe(0);
	});

	it("tells only newly mentioned users on an edit, never anyone twice", async () => {
		const { room, owner } = await ownedRoom();
		const bob = await person(room);
		const carol = await person(room);
		const message = await say(owner, `hey ${mentionToken(bob.user.id)}`);
		const first = await edit(owner, message.id, `hey ${mentionToken(bob.user.id)} ${mentionToken(carol.user.id)}`);
		expect(first.kind === "edit" && first.notify).toEqual([carol.user.id]);
		// Bob out, then back in: he was told already.
		await edit(owner, message.id, "hey all");
		const back = await edit(owner, message.id, `hey ${mentionToken(bob.user.id)}`);
		expect(back.kind === "edit" && back.notify).toEqual([]);
		expect(back.kind === "edit" && back.mentions).toEqual([{ id: bob.user.id, name: bob.user.name }]);
		await expect.poll(async () => (await roomOf(carol, room))?.mentions, { timeout: 5_000 }).toBe(1);
		expect((await roomOf(bob, room))?.mentions).toBe(1);
	});

	it("lets only the owner and moderators say @here, which tells everyone present", async () => {
		const { room, owner } = await ownedRoom();
		const bob = await person(room);
		const fromBob = await say(bob, `${HERE_TOKEN} anyone?`);
		expect(fromBob.here).toBe(false);
		const fromOwner = await say(owner, `${HERE_TOKEN} standup`);
		expect(fromOwner.here).toBe(true);
		await expect.poll(async () => (await roomOf(bob, room))?.mentions, { timeout: 5_000 }).toBe(1);
	});

	it("finds members by the start of their name, any case, for the composer's @ list", async () => {
		const { room, owner } = await ownedRoom();
		const bob = await person(room);
		const search = async (q: string) => {
			const res = await owner.client.fetch(`/api/rooms/${room}/members?q=${encodeURIComponent(q)}`);
			expect(res.status).toBe(200);
			return ((await res.json()) as MemberPage).members.map((m) => m.id);
		};
		expect(await search(bob.user.name.toUpperCase())).toEqual([bob.user.id]);
		expect(await search(owner.user.name)).toEqual([owner.user.id]);
		// LIKE's wildcards in the query match only themselves.
		expect(await search("%")).toEqual([]);
		expect(await search("_")).toEqual([]);
	});
});
