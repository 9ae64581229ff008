import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import { DAY_MS } from "../config";
import { MessageStore } from "./message-store";
import { PRUNE_BATCH, pruneCutoff } from "./retention";
import { readRoomConfig } from "./room-config";

const DAY = DAY_MS;
// vitest.workers.config.ts keeps the wrangler defaults for retention.
const KEEP = 10_000;
const MAX_AGE_DAYS = 30;

const author = { id: "seed-user", name: "Seeder", image: null, guest: false };

/** Writes rows straight into the room's SQLite, then evicts it so the next instance reads them. */
async function seed(room: string, count: number, createdAt: (i: number) => number) {
	const stub = env.CHAT_ROOM.getByName(room);
	await runInDurableObject(stub, (_instance, state) => {
		const store = new MessageStore(state.storage.sql);
		for (let i = 0; i < count; i++) store.append(author, `m${i}`, `seed-${i}-clientid`, createdAt(i), null);
	});
	await evictDurableObject(stub);
	return stub;
}

async function range(room: string) {
	return runInDurableObject(env.CHAT_ROOM.getByName(room), (_instance, state) => {
		const store = new MessageStore(state.storage.sql);
		return { count: store.count(), oldest: store.oldestSeq(), latest: store.latestSeq };
	});
}

async function sendOne(room: string, text: string) {
	const client = new TestClient();
	await client.signInAsGuest();
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	socket.send(sendFrame(newClientId(), text));
	return { socket, ack: await socket.ack() };
}

describe("retention", () => {
	it("a write arms the prune alarm when none is set", async () => {
		const room = await freshRoom();
		const before = Date.now();
		await sendOne(room, "arms the alarm");
		const alarm = await runInDurableObject(env.CHAT_ROOM.getByName(room), (_i, state) => state.storage.getAlarm());
		expect(alarm).not.toBeNull();
		expect(alarm).toBeGreaterThan(before);
	});

	it("prunes by count in bounded batches, re-arming until done, and a second pass changes nothing", async () => {
		const room = await freshRoom();
		const over = PRUNE_BATCH + 100;
		const stub = await seed(room, KEEP + over, () => Date.now());
		await sendOne(room, "newest");

		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect((await range(room)).count).toBe(KEEP + over + 1 - PRUNE_BATCH);
		const rearmed = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
		expect(rearmed).not.toBeNull();

		expect(await runDurableObjectAlarm(stub)).toBe(true);
		const done = await range(room);
		expect(done).toEqual({ count: KEEP, oldest: over + 2, latest: KEEP + over + 1 });

		// Alarms are at-least-once: running again deletes nothing.
		await runInDurableObject(stub, (_i, state) => state.storage.setAlarm(Date.now()));
		await runDurableObjectAlarm(stub);
		expect(await range(room)).toEqual(done);
	});

	it("prunes by age, and the next alarm waits for the oldest kept message to expire", async () => {
		const room = await freshRoom();
		const now = Date.now();
		// 40 messages, one a day, 40.5 down to 1.5 days old: none sits on the 30-day boundary.
		const stub = await seed(room, 40, (i) => now - (40 - i) * DAY - DAY / 2);
		await sendOne(room, "today");
		await runInDurableObject(stub, (_i, state) => state.storage.setAlarm(Date.now()));
		await runDurableObjectAlarm(stub);

		const after = await range(room);
		// Kept: the 29 messages 1.5 to 29.5 days old, and today's.
		expect(after.count).toBe(MAX_AGE_DAYS - 1 + 1);
		const nextAlarm = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
		const oldestKept = await runInDurableObject(
			stub,
			(_i, state) => state.storage.sql.exec<{ t: number }>("SELECT MIN(created_at) AS t FROM messages").one().t,
		);
		expect(nextAlarm).toBe(oldestKept + MAX_AGE_DAYS * DAY);

		await runInDurableObject(stub, (_i, state) => state.storage.setAlarm(Date.now()));
		await runDurableObjectAlarm(stub);
		expect(await range(room)).toEqual(after);
	});

	it("keeps seq growing after every row was pruned, and resets clients that missed pruned messages", async () => {
		const room = await freshRoom();
		const stub = await seed(room, 5, () => Date.now() - 60 * DAY);
		await runInDurableObject(stub, (_i, state) => state.storage.setAlarm(Date.now()));
		await runDurableObjectAlarm(stub);
		expect(await range(room)).toEqual({ count: 0, oldest: 6, latest: 5 });
		expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();
		// A new instance has no rows to read the latest seq from: it must come from what pruning recorded.
		await evictDurableObject(stub);
		expect(await range(room)).toEqual({ count: 0, oldest: 6, latest: 5 });

		const { socket, ack } = await sendOne(room, "after the purge");
		expect(ack.seq).toBe(6);
		socket.close();

		const client = new TestClient();
		await client.signInAsGuest();
		const late = await openSocket(client, roomPath(room));
		await late.hello(2);
		expect(await late.expect("reset")).toEqual({ type: "reset", reason: "pruned", oldestSeq: 6, latestSeq: 6 });
	});

	it("finds what to prune by reading about a batch of rows, however many messages the room keeps", async () => {
		const room = await freshRoom();
		const reads = await runInDurableObject(env.CHAT_ROOM.getByName(room), (_instance, state) => {
			const sql = state.storage.sql;
			sql.exec(
				`WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < 5000)
				 INSERT INTO messages (seq, n, rev, id, author_id, author_name, text, created_at, client_id)
				 SELECT k, k, k, 'm' || k, 'u', 'U', 'hello', ?, 'c' || k FROM i`,
				Date.now(),
			);
			const store = new MessageStore(sql);
			const config = { ...readRoomConfig(env), retentionMs: 30 * DAY };
			// Every cursor the cutoff opens, to add up the rows it read.
			const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
			const counted = {
				exec: (query: string, ...bindings: unknown[]) => {
					const cursor = sql.exec(query, ...bindings);
					cursors.push(cursor);
					return cursor;
				},
			} as unknown as SqlStorage;
			const rowsRead = (retentionCount: number) => {
				cursors.length = 0;
				const cutoff = pruneCutoff(counted, store, { ...config, retentionCount }, Date.now());
				return { cutoff, rows: cursors.reduce((sum, c) => sum + c.rowsRead, 0) };
			};
			return { under: rowsRead(10_000), over: rowsRead(4_900), farOver: rowsRead(100) };
		});
		// Under the limit: nothing to prune, found without walking the kept messages.
		expect(reads.under.cutoff).toBe(0);
		expect(reads.under.rows).toBeLessThanOrEqual(5);
		// 100 too many: the 100th oldest, found by reading about that many.
		expect(reads.over.cutoff).toBe(100);
		expect(reads.over.rows).toBeLessThanOrEqual(110);
		// 4,900 too many: one batch and one (the caller learns more remain), not 4,900 rows.
		expect(reads.farOver.cutoff).toBe(PRUNE_BATCH + 1);
		expect(reads.farOver.rows).toBeLessThanOrEqual(PRUNE_BATCH + 10);
	});
});
