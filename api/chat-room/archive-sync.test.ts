import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import {
	deleteFrame,
	editFrame,
	newClientId,
	openSocket,
	type RoomSocket,
	reactFrame,
	roomPath,
	sendFrame,
} from "../../tests/workers/room-socket";
import { SETTINGS } from "../config";
import type { ArchiveCheck, RoomSummary, SyncHealth } from "../protocol/http-api";
import type { ChatMessage } from "../protocol/room-protocol";
import type { ChatRoomDurableObject } from "./ChatRoomDurableObject";

type Person = { client: TestClient; socket: RoomSocket };

async function room(): Promise<{ id: string; owner: Person }> {
	const client = new TestClient();
	await client.signInAsGuest();
	const res = await client.postJson("/api/rooms", {
		name: `archive ${crypto.randomUUID().slice(0, 8)}`,
		visibility: "public",
	});
	expect(res.status).toBe(201);
	const id = ((await res.json()) as RoomSummary).id;
	const socket = await openSocket(client, roomPath(id));
	await socket.hello();
	return { id, owner: { client, socket } };
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

const stub = (id: string) => env.CHAT_ROOM.getByName(id) as DurableObjectStub<ChatRoomDurableObject>;

/** Runs the room's alarm until the archive has everything (or gives up after a few rounds). */
async function drain(id: string) {
	for (let i = 0; i < 5; i++) {
		await runDurableObjectAlarm(stub(id));
		if ((await stub(id).getSync()).pending === 0) return;
	}
}

async function archived(id: string) {
	const rows = await env.DB.prepare(
		`SELECT "seq", "text", "rev" FROM "archive_message" WHERE "roomId" = ? ORDER BY "seq"`,
	)
		.bind(id)
		.all<{ seq: number; text: string; rev: number }>();
	return rows.results;
}

/** The seqs of the room's archived messages the full-text index finds for `match`. */
async function found(id: string, match: string, table = "archive_fts") {
	const rows = await env.DB.prepare(
		`SELECT m."seq" FROM "${table}" f JOIN "archive_message" m ON m.rowid = f.rowid WHERE "${table}" MATCH ? AND m."roomId" = ? ORDER BY m."seq"`,
	)
		.bind(match, id)
		.all<{ seq: number }>();
	return rows.results.map((r) => r.seq);
}

describe("the D1 archive (issue 20)", () => {
	it("drains the outbox into the archive and both full-text indexes, and reports no lag", async () => {
		const { id, owner } = await room();
		const first = await say(owner, "the release date is Friday");
		const second = await say(owner, "東京で会いましょう");
		await drain(id);
		expect((await archived(id)).map((r) => r.seq)).toEqual([first.seq, second.seq]);
		expect(await found(id, "release")).toEqual([first.seq]);
		// Stemmed words, and substrings in a script without spaces through the trigram index.
		expect(await found(id, "releases")).toEqual([first.seq]);
		expect(await found(id, '"京で会"', "archive_trigram")).toEqual([second.seq]);
		const after = (await owner.client.fetch(`/api/rooms/${id}/sync`).then((r) => r.json())) as SyncHealth;
		expect(after).toMatchObject({ pending: 0, archivedSeq: after.latestSeq, lastError: null });
	});

	it("wakes for the copy ARCHIVE_COPY_DELAY_MS after a write, so a burst goes to D1 together", async () => {
		const { id, owner } = await room();
		await drain(id);
		const before = Date.now();
		await say(owner, "copied half a second later");
		const after = Date.now();
		const alarm = await runInDurableObject(stub(id), (_instance, state) => state.storage.getAlarm());
		expect(alarm).toBeGreaterThanOrEqual(before + SETTINGS.ARCHIVE_COPY_DELAY_MS);
		expect(alarm).toBeLessThanOrEqual(after + SETTINGS.ARCHIVE_COPY_DELAY_MS);
		expect((await stub(id).getSync()).pending).toBe(1);
	});

	it("reflects edits and deletes, index included", async () => {
		const { id, owner } = await room();
		const message = await say(owner, "meet at the harbour");
		const other = await say(owner, "bring the charts");
		await drain(id);
		owner.socket.send(editFrame(newClientId(), message.id, "meet at the lighthouse"));
		await owner.socket.ack();
		owner.socket.send(deleteFrame(newClientId(), other.id));
		await owner.socket.ack();
		await drain(id);
		expect(await archived(id)).toEqual([expect.objectContaining({ seq: message.seq, text: "meet at the lighthouse" })]);
		expect(await found(id, "harbour")).toEqual([]);
		expect(await found(id, "lighthouse")).toEqual([message.seq]);
		expect(await found(id, "charts")).toEqual([]);
		expect(await found(id, '"ghthou"', "archive_trigram")).toEqual([message.seq]);
	});

	it("follows a reaction's rev too, so the check matches after reactions (found by the chaos soak)", async () => {
		const { id, owner } = await room();
		const message = await say(owner, "react to me");
		await drain(id);
		owner.socket.send(reactFrame(newClientId(), message.id, "👍"));
		await owner.socket.ack();
		await drain(id);
		const [row] = await archived(id);
		expect(row?.rev).toBeGreaterThan(message.rev);
		const check = (await (await owner.client.fetch(`/api/rooms/${id}/archive/check`)).json()) as ArchiveCheck;
		expect(check).toMatchObject({ ok: true, mismatchedBlocks: [] });
	});

	it("sends a chunk again without changing anything", async () => {
		const { id, owner } = await room();
		const message = await say(owner, "idempotent by rev");
		await drain(id);
		// The same rows back in the outbox, as if the batch's success had been lost with the room.
		await runInDurableObject(stub(id), (_instance, state) => {
			state.storage.sql.exec(
				"INSERT INTO archive_outbox (seq, message_id, at) VALUES (?, ?, ?)",
				message.seq,
				message.id,
				Date.now(),
			);
		});
		await drain(id);
		await drain(id);
		expect(await archived(id)).toEqual([expect.objectContaining({ seq: message.seq, text: "idempotent by rev" })]);
		expect(await found(id, "idempotent")).toEqual([message.seq]);
		// The index holds the message once: its integrity check passes.
		await env.DB.prepare(`INSERT INTO "archive_fts" ("archive_fts", rank) VALUES ('integrity-check', 1)`).run();
	});

	it("keeps what failed in the outbox, says why, and catches up once D1 is back", async () => {
		const { id, owner } = await room();
		// A real failure: the archive table is gone for a moment.
		await env.DB.prepare(`ALTER TABLE "archive_state" RENAME TO "archive_state_away"`).run();
		try {
			const message = await say(owner, "written while the archive was down");
			await runDurableObjectAlarm(stub(id));
			const down = await stub(id).getSync();
			expect(down.pending).toBe(1);
			expect(down.archivedSeq).toBe(message.seq - 1);
			expect(down.lastError?.message).toMatch(/archive_state/);
			// The room itself works all along.
			await say(owner, "and the room still takes messages");
		} finally {
			await env.DB.prepare(`ALTER TABLE "archive_state_away" RENAME TO "archive_state"`).run();
		}
		await drain(id);
		const up = await stub(id).getSync();
		expect(up).toMatchObject({ pending: 0, archivedSeq: up.latestSeq, lastError: null });
		expect((await archived(id)).map((r) => r.text)).toEqual([
			"written while the archive was down",
			"and the room still takes messages",
		]);
	});

	it("checks the archive against the room, finds a missing row, and a rebuild puts it back", async () => {
		const { id, owner } = await room();
		const messages = [];
		for (let i = 0; i < 5; i++) messages.push(await say(owner, `checked message ${i}`));
		await drain(id);
		const check = async () =>
			(await (await owner.client.fetch(`/api/rooms/${id}/archive/check`)).json()) as ArchiveCheck;
		expect(await check()).toMatchObject({ ok: true, room: { messages: 5 }, archive: { messages: 5 } });

		// A row lost from the archive (and its index entries, as a bad restore would leave it).
		const lost = messages[2];
		if (!lost) throw new Error("no message");
		await env.DB.batch([
			env.DB.prepare(
				`INSERT INTO "archive_fts" ("archive_fts", rowid, "text") SELECT 'delete', rowid, "text" FROM "archive_message" WHERE "roomId" = ? AND "seq" = ?`,
			).bind(id, lost.seq),
			env.DB.prepare(
				`INSERT INTO "archive_trigram" ("archive_trigram", rowid, "text") SELECT 'delete', rowid, "text" FROM "archive_message" WHERE "roomId" = ? AND "seq" = ?`,
			).bind(id, lost.seq),
			env.DB.prepare(`DELETE FROM "archive_message" WHERE "roomId" = ? AND "seq" = ?`).bind(id, lost.seq),
		]);
		const broken = await check();
		expect(broken.ok).toBe(false);
		expect(broken.archive.messages).toBe(4);
		expect(broken.mismatchedBlocks).toEqual([{ from: 0, to: 999 }]);

		const rebuilt = await owner.client.fetch(`/api/rooms/${id}/archive/rebuild`, { method: "POST" });
		expect(rebuilt.status).toBe(202);
		await drain(id);
		expect(await check()).toMatchObject({ ok: true, archive: { messages: 5 } });
		expect(await found(id, "checked")).toEqual(messages.map((m) => m.seq));
		await env.DB.prepare(`INSERT INTO "archive_fts" ("archive_fts", rank) VALUES ('integrity-check', 1)`).run();

		// A member who is not the owner or a moderator may do neither.
		const member = new TestClient();
		await member.signInAsGuest();
		expect((await member.fetch(`/api/rooms/${id}/archive/check`)).status).toBe(403);
		expect((await member.fetch(`/api/rooms/${id}/archive/rebuild`, { method: "POST" })).status).toBe(403);
	});

	it("keeps what the room prunes unless the owner has the archive pruned too", async () => {
		const { id, owner } = await room();
		const old = [await say(owner, "aged out one"), await say(owner, "aged out two")];
		const kept = await say(owner, "still in the room");
		await drain(id);
		// The first two age past the room's retention (30 days by default).
		await runInDurableObject(stub(id), (_instance, state) => {
			const seqs = old.map((m) => m.seq);
			state.storage.sql.exec(
				`UPDATE messages SET created_at = ? WHERE seq IN (${seqs.join(", ")})`,
				Date.now() - 40 * 86_400_000,
			);
		});
		await drain(id);
		expect((await stub(id).getSync()).retention).toBe("kept");
		// The room pruned them; the archive (the default) still has them and search finds them.
		expect(
			await runInDurableObject(stub(id), (_i, state) =>
				state.storage.sql
					.exec("SELECT seq FROM messages")
					.toArray()
					.map((r) => r.seq),
			),
		).toEqual([kept.seq]);
		expect((await archived(id)).map((r) => r.seq)).toEqual([...old.map((m) => m.seq), kept.seq]);

		const put = (client: TestClient, retention: string) =>
			client.fetch(`/api/rooms/${id}/archive/retention`, {
				method: "PUT",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ retention }),
			});
		// Only the owner decides; a bad value is a 400.
		const member = new TestClient();
		await member.signInAsGuest();
		expect((await put(member, "pruned")).status).toBe(403);
		expect((await put(owner.client, "forever")).status).toBe(400);
		const res = await put(owner.client, "pruned");
		expect(res.status).toBe(200);
		expect(((await res.json()) as SyncHealth).retention).toBe("pruned");

		await drain(id);
		expect((await archived(id)).map((r) => r.seq)).toEqual([kept.seq]);
		expect(await found(id, "aged")).toEqual([]);
		expect(await found(id, '"ged ou"', "archive_trigram")).toEqual([]);
		expect(await found(id, "room")).toEqual([kept.seq]);
		await env.DB.prepare(`INSERT INTO "archive_fts" ("archive_fts", rank) VALUES ('integrity-check', 1)`).run();
		await env.DB.prepare(`INSERT INTO "archive_trigram" ("archive_trigram", rank) VALUES ('integrity-check', 1)`).run();
	});

	it("a paused copy (dev tools only) shows its lag, and catches up when resumed", async () => {
		const { id, owner } = await room();
		await say(owner, "before the pause");
		await drain(id);
		const pause = (paused: boolean) =>
			owner.client.fetch(`/api/dev/rooms/${id}/archive-paused`, {
				method: "PUT",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ paused }),
			});
		expect((await pause(true)).status).toBe(200);
		await say(owner, "during the pause");
		await say(owner, "still paused");
		await runDurableObjectAlarm(stub(id));
		expect(await stub(id).getSync()).toMatchObject({ paused: true, pending: 2 });
		expect(await archived(id)).toHaveLength(1);
		expect((await pause(false)).status).toBe(200);
		await drain(id);
		expect(await stub(id).getSync()).toMatchObject({ paused: false, pending: 0 });
		expect(await archived(id)).toHaveLength(3);
	});
});
