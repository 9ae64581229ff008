import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import {
	deleteFrame,
	editFrame,
	freshRoom,
	newClientId,
	openSocket,
	type RoomSocket,
	reactFrame,
	roomPath,
	sendFrame,
} from "../../tests/workers/room-socket";
import type { AuditLog, HistoryPage, MessageVersions, RoomSummary } from "../protocol/http-api";
import { MAX_REACTIONS } from "../protocol/message-events";
import { type ChatMessage, CLOSE_PROTOCOL_OUTDATED } from "../protocol/room-protocol";
import type { ChatRoomDurableObject } from "./ChatRoomDurableObject";
import { applyChangeFrame } from "./message-changes";
import { MessageStore } from "./message-store";

type Person = { client: TestClient; user: { id: string; name: string }; socket: RoomSocket };

async function join(room: string): Promise<Person> {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	return { client, user, socket };
}

/** A room made through the API, so its creator is its owner. */
async function ownedRoom(): Promise<{ room: string; owner: Person }> {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	const res = await client.postJson("/api/rooms", {
		name: `living ${crypto.randomUUID().slice(0, 8)}`,
		visibility: "public",
	});
	if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
	const room = ((await res.json()) as RoomSummary).id;
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	return { room, owner: { client, user, socket } };
}

/** Sends a message and returns it as stored (the sender's own copy of the broadcast). */
async function say(p: Person, text: string, replyTo?: string): Promise<ChatMessage> {
	const clientId = newClientId();
	p.socket.send({ ...sendFrame(clientId, text), ...(replyTo ? { replyTo } : {}) });
	for (;;) {
		const frame = await p.socket.next();
		if (frame.type === "message" && frame.message.clientId === clientId) {
			await p.socket.ack();
			return frame.message;
		}
	}
}

async function history(p: Person, room: string, query = ""): Promise<HistoryPage> {
	const res = await p.client.fetch(`/api/rooms/${room}/messages${query}`);
	expect(res.status).toBe(200);
	return res.json();
}

async function latestSeq(room: string): Promise<number> {
	return runInDurableObject(env.CHAT_ROOM.getByName(room) as DurableObjectStub<ChatRoomDurableObject>, (_i, state) => {
		return new MessageStore(state.storage.sql).latestSeq;
	});
}

function setRole(owner: Person, room: string, userId: string, role: "moderator" | "member") {
	return owner.client.fetch(`/api/rooms/${room}/members/${userId}/role`, {
		method: "PUT",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ role }),
	});
}

describe("living messages: edit, delete, react (issue 18)", () => {
	it("lets the author edit: everyone sees the change, history is folded, earlier versions are kept", async () => {
		const room = await freshRoom();
		const alice = await join(room);
		const bob = await join(room);
		const original = await say(alice, "helo world");
		await bob.socket.expect("message");

		const clientId = newClientId();
		alice.socket.send(editFrame(clientId, original.id, "hello world"));
		const { change } = await bob.socket.expect("change");
		expect(change).toMatchObject({ kind: "edit", messageId: original.id, text: "hello world", seq: original.seq + 1 });
		const ack = await alice.socket.ack();
		expect(ack).toMatchObject({ clientId, seq: original.seq + 1, id: original.id });

		const page = await history(bob, room);
		expect(page.messages[0]).toMatchObject({ text: "hello world", rev: original.seq + 1, n: 1 });
		expect(page.messages[0]?.editedAt).toBeGreaterThanOrEqual(original.createdAt);
		const versions = await (
			await bob.client.fetch(`/api/rooms/${room}/messages/${original.id}/versions`)
		).json<MessageVersions>();
		expect(versions.versions).toEqual([{ text: "helo world", at: original.createdAt }]);
	});

	it("refuses a non-author edit, a non-moderator delete and an edit of a tombstone, changing nothing", async () => {
		const room = await freshRoom();
		const alice = await join(room);
		const mallory = await join(room);
		const message = await say(alice, "mine");
		await mallory.socket.expect("message");
		const before = await latestSeq(room);

		const edit = newClientId();
		mallory.socket.send(editFrame(edit, message.id, "pwned"));
		expect(await mallory.socket.expect("error")).toMatchObject({ code: "not_allowed", ref: edit });
		const del = newClientId();
		mallory.socket.send(deleteFrame(del, message.id));
		expect(await mallory.socket.expect("error")).toMatchObject({ code: "not_allowed", ref: del });
		const missing = newClientId();
		mallory.socket.send(editFrame(missing, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "x"));
		expect(await mallory.socket.expect("error")).toMatchObject({ code: "not_found", ref: missing });

		alice.socket.send(deleteFrame(newClientId(), message.id));
		await alice.socket.expect("change");
		await alice.socket.ack();
		const afterDelete = await latestSeq(room);
		expect(afterDelete).toBe(before + 1);
		const tombstoneEdit = newClientId();
		alice.socket.send(editFrame(tombstoneEdit, message.id, "back from the dead"));
		expect(await alice.socket.expect("error")).toMatchObject({ code: "not_allowed", ref: tombstoneEdit });
		const react = newClientId();
		alice.socket.send(reactFrame(react, message.id, "👍"));
		expect(await alice.socket.expect("error")).toMatchObject({ code: "not_allowed", ref: react });
		await alice.socket.expectNothingMore();

		const page = await history(alice, room);
		const stored = page.messages.find((m) => m.id === message.id);
		expect(stored).toMatchObject({ text: "", deleted: { by: { id: alice.user.id }, moderator: false }, reactions: [] });
		// The barrier is the only thing stored since the delete.
		expect(await latestSeq(room)).toBe(afterDelete + 1);
	});

	it("lets the owner name a moderator, who deletes anyone's message with a reason the audit log keeps", async () => {
		const { room, owner } = await ownedRoom();
		const mod = await join(room);
		const member = await join(room);
		const message = await say(member, "spam spam spam");
		const reply = await say(mod, "please stop", message.id);
		await member.socket.collect("message", 1);

		// A member is no moderator: refused, and the audit log is closed to them.
		const early = newClientId();
		mod.socket.send(deleteFrame(early, message.id));
		expect(await mod.socket.collect("error", 1)).toMatchObject([{ code: "not_allowed", ref: early }]);
		expect((await member.client.fetch(`/api/rooms/${room}/audit`)).status).toBe(403);
		expect((await setRole(member, room, mod.user.id, "moderator")).status).toBe(403);

		expect((await setRole(owner, room, mod.user.id, "moderator")).status).toBe(200);
		expect(await mod.socket.collect("role", 1)).toEqual([{ type: "role", role: "moderator" }]);

		const del = newClientId();
		mod.socket.send(deleteFrame(del, message.id, "flooding"));
		const { change } = await member.socket.expect("change");
		expect(change).toMatchObject({ kind: "delete", messageId: message.id, moderator: true, by: { id: mod.user.id } });

		const page = await history(owner, room);
		expect(page.messages.find((m) => m.id === message.id)).toMatchObject({ text: "", deleted: { moderator: true } });
		// A reply to it still says it replied to a deleted message, and shows none of its text.
		expect(page.messages.find((m) => m.id === reply.id)?.replyTo).toMatchObject({
			id: message.id,
			deleted: true,
			excerpt: "",
		});

		for (const reader of [owner, mod]) {
			const res = await reader.client.fetch(`/api/rooms/${room}/audit`);
			expect(res.status).toBe(200);
			const log = (await res.json()) as AuditLog;
			expect(log.entries).toEqual([
				{
					at: expect.any(Number),
					by: { id: mod.user.id, name: mod.user.name },
					author: { id: member.user.id, name: member.user.name },
					messageSeq: message.seq,
					reason: "flooding",
				},
			]);
		}

		// Taking the role back works at once on the open socket.
		expect((await setRole(owner, room, mod.user.id, "member")).status).toBe(200);
		expect(await mod.socket.collect("role", 1)).toEqual([{ type: "role", role: "member" }]);
		const other = await say(member, "another");
		const late = newClientId();
		mod.socket.send(deleteFrame(late, other.id));
		expect(await mod.socket.collect("error", 1)).toMatchObject([{ code: "not_allowed", ref: late }]);
	});

	it("acks a resend of every kind of change with the original result and stores nothing new", async () => {
		const room = await freshRoom();
		const alice = await join(room);
		const message = await say(alice, "first");
		const frames = [
			reactFrame(newClientId(), message.id, "🎉"),
			editFrame(newClientId(), message.id, "first, edited"),
			reactFrame(newClientId(), message.id, "🎉", false),
			deleteFrame(newClientId(), message.id),
		];
		for (const frame of frames) {
			alice.socket.send(frame);
			const original = await alice.socket.ack();
			const seqAfter = await latestSeq(room);
			// The same frame again, as a client resends after a lost ack or a reconnect.
			alice.socket.send(frame);
			const again = await alice.socket.ack();
			expect(again).toEqual(original);
			expect(await latestSeq(room)).toBe(seqAfter);
		}
		// And once more from a fresh socket (after the first closed), as after a reload.
		alice.socket.close();
		const socket = await openSocket(alice.client, roomPath(room));
		await socket.hello();
		socket.send(frames[1]);
		expect(await socket.ack()).toMatchObject({ clientId: frames[1]?.clientId, id: message.id });
	});

	it("toggles reactions once per user and emoji, refuses what is not one emoji, and caps distinct emoji", async () => {
		const room = await freshRoom();
		const alice = await join(room);
		const bob = await join(room);
		const message = await say(alice, "react to me");
		bob.socket.send(reactFrame(newClientId(), message.id, "👍🏽"));
		alice.socket.send(reactFrame(newClientId(), message.id, "👍🏽"));
		await alice.socket.collect("change", 2);
		// Bob adds it again: already so, acked, nothing new.
		bob.socket.send(reactFrame(newClientId(), message.id, "👍🏽"));
		await bob.socket.collect("ack", 2);
		let page = await history(alice, room);
		expect(page.messages[0]?.reactions).toEqual([
			{
				emoji: "👍🏽",
				users: [
					{ id: bob.user.id, name: bob.user.name },
					{ id: alice.user.id, name: alice.user.name },
				],
			},
		]);

		for (const bad of ["not an emoji", "👍👍", "a", "<img>"]) {
			const id = newClientId();
			alice.socket.send(reactFrame(id, message.id, bad));
			expect(await alice.socket.collect("error", 1)).toMatchObject([{ code: "bad_emoji", ref: id }]);
		}

		// Fill up to the cap with distinct emoji (the socket budget and rate limit allow it in the test config).
		const emoji = [
			"😀",
			"😂",
			"😍",
			"😎",
			"🤔",
			"😢",
			"😡",
			"🎉",
			"🔥",
			"❤️",
			"🚀",
			"👀",
			"✅",
			"❌",
			"💯",
			"🙏",
			"👏",
			"🤝",
			"🍕",
		];
		expect(emoji.length).toBe(MAX_REACTIONS - 1);
		for (const e of emoji) alice.socket.send(reactFrame(newClientId(), message.id, e));
		await alice.socket.collect("ack", emoji.length);
		const over = newClientId();
		alice.socket.send(reactFrame(over, message.id, "🌈"));
		expect(await alice.socket.collect("error", 1)).toMatchObject([{ code: "too_many_reactions", ref: over }]);
		page = await history(alice, room);
		expect(page.messages[0]?.reactions).toHaveLength(MAX_REACTIONS);

		// Taking one back leaves the others.
		bob.socket.send(reactFrame(newClientId(), message.id, "👍🏽", false));
		await bob.socket.collect("ack", 1);
		page = await history(alice, room);
		expect(page.messages[0]?.reactions[0]).toEqual({
			emoji: "👍🏽",
			users: [{ id: alice.user.id, name: alice.user.name }],
		});
	});

	it("replays changes to a client that was away, for messages it already holds", async () => {
		const room = await freshRoom();
		const alice = await join(room);
		const bob = await join(room);
		const m1 = await say(alice, "one");
		const m2 = await say(alice, "two");
		await bob.socket.collect("message", 2);
		const since = m2.seq;
		bob.socket.close();

		alice.socket.send(editFrame(newClientId(), m1.id, "one!"));
		alice.socket.send(reactFrame(newClientId(), m2.id, "👀"));
		alice.socket.send(deleteFrame(newClientId(), m2.id));
		await alice.socket.collect("ack", 3);
		const m3 = await say(alice, "three");

		const socket = await openSocket(bob.client, roomPath(room));
		const welcome = await socket.hello(since);
		expect(welcome.latestSeq).toBe(m3.seq);
		const replay = [await socket.next(), await socket.next(), await socket.next(), await socket.next()];
		expect(replay.map((f) => (f.type === "change" ? f.change.kind : f.type))).toEqual([
			"edit",
			"react",
			"delete",
			"message",
		]);
		expect(replay.map((f) => (f.type === "change" ? f.change.seq : f.type === "message" ? f.message.seq : 0))).toEqual([
			since + 1,
			since + 2,
			since + 3,
			since + 4,
		]);
	});

	it("keeps no trace of a deleted message's text: not in replayed edits, versions or history", async () => {
		const room = await freshRoom();
		const alice = await join(room);
		const message = await say(alice, "secret one");
		alice.socket.send(editFrame(newClientId(), message.id, "secret two"));
		alice.socket.send(deleteFrame(newClientId(), message.id));
		await alice.socket.collect("ack", 2);
		const socket = await openSocket(alice.client, roomPath(room));
		await socket.hello(0);
		const replay = [await socket.next(), await socket.next(), await socket.next()];
		expect(JSON.stringify(replay)).not.toContain("secret");
		expect((await alice.client.fetch(`/api/rooms/${room}/messages/${message.id}/versions`)).status).toBe(404);
		expect(JSON.stringify(await history(alice, room))).not.toContain("secret");
	});

	it("embeds a reply's parent preview, which follows the parent's edits", async () => {
		const room = await freshRoom();
		const alice = await join(room);
		const parent = await say(alice, "first line\nsecond line");
		const reply = await say(alice, "answer", parent.id);
		expect(reply.replyTo).toEqual({
			id: parent.id,
			seq: parent.seq,
			authorName: alice.user.name,
			excerpt: "first line",
			deleted: false,
		});
		alice.socket.send(editFrame(newClientId(), parent.id, "better first line"));
		await alice.socket.ack();
		const page = await history(alice, room);
		expect(page.messages.find((m) => m.id === reply.id)?.replyTo?.excerpt).toBe("better first line");
	});

	it("pages around a seq with messages on both sides, and after a seq, saying what lies beyond", async () => {
		const room = await freshRoom();
		const alice = await join(room);
		for (let i = 1; i <= 30; i++) alice.socket.send(sendFrame(newClientId(), `m${i}`));
		await alice.socket.collect("ack", 30);
		const around = await history(alice, room, "?around=15&limit=10");
		expect(around.messages.map((m) => m.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
		expect(around).toMatchObject({ hasOlder: true, hasNewer: true });
		const after = await history(alice, room, "?after=25&limit=10");
		expect(after.messages.map((m) => m.seq)).toEqual([26, 27, 28, 29, 30]);
		expect(after).toMatchObject({ hasOlder: true, hasNewer: false });
		const edge = await history(alice, room, "?around=2&limit=10");
		expect(edge.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(edge).toMatchObject({ hasOlder: false, hasNewer: true });
		expect((await alice.client.fetch(`/api/rooms/${room}/messages?around=2&before=3`)).status).toBe(400);
	});

	it("answers a gap repair with the log after a seq, and reset when that part was never issued", async () => {
		const room = await freshRoom();
		const alice = await join(room);
		const m = await say(alice, "x");
		alice.socket.send(reactFrame(newClientId(), m.id, "🔥"));
		await alice.socket.ack();
		const res = await alice.client.fetch(`/api/rooms/${room}/events?after=0`);
		expect(await res.json()).toMatchObject({
			kind: "events",
			upTo: 2,
			more: false,
			events: [
				{ kind: "create", seq: 1, message: { id: m.id } },
				{ kind: "react", seq: 2, emoji: "🔥" },
			],
		});
		const ahead = await (await alice.client.fetch(`/api/rooms/${room}/events?after=99`)).json();
		expect(ahead).toMatchObject({ kind: "reset", latestSeq: 2 });
		expect((await alice.client.fetch(`/api/rooms/${room}/events?after=-1`)).status).toBe(400);
	});

	it("tells a client on an older protocol why, then closes with 4010", async () => {
		const room = await freshRoom();
		const client = new TestClient();
		await client.signInAsGuest();
		const socket = await openSocket(client, roomPath(room));
		socket.send({ type: "hello" });
		expect(await socket.expect("error")).toMatchObject({ code: "protocol_outdated" });
		expect((await socket.closed).code).toBe(CLOSE_PROTOCOL_OUTDATED);
	});

	it("refuses edits after the edit window when one is set", async () => {
		const room = await freshRoom();
		await runInDurableObject(env.CHAT_ROOM.getByName(room), (_i, state) => {
			const store = new MessageStore(state.storage.sql);
			const author = { id: "a", name: "A", image: null, guest: false };
			const message = store.append(author, "old words", "seed-client-1", Date.now() - 10 * 60_000, null);
			if (!message) throw new Error("not stored");
			const writer = {
				roomId: room,
				user: author,
				connectionId: "c",
				sessionId: "s",
				sessionExpiresAt: Date.now() + 60_000,
				ready: true,
				openedAt: 0,
				role: "member" as const,
			};
			const frame = { type: "edit" as const, clientId: "edit-client-1", messageId: message.id, text: "new words" };
			expect(applyChangeFrame(store, state.storage.sql, frame, writer, Date.now(), 5 * 60_000)).toMatchObject({
				kind: "refused",
				code: "not_allowed",
			});
			expect(applyChangeFrame(store, state.storage.sql, frame, writer, Date.now(), 15 * 60_000)).toMatchObject({
				kind: "changed",
			});
		});
	});
});
