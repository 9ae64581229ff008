import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshRoom } from "../../tests/workers/room-socket";
import type { ChatRoomDurableObject } from "./ChatRoomDurableObject";
import { MESSAGE_QUERIES, MessageStore } from "./message-store";

function stubFor(room: string): DurableObjectStub<ChatRoomDurableObject> {
	return env.CHAT_ROOM.getByName(room);
}

describe("MessageStore", () => {
	it("uses indexes for history pages and idempotency lookups", async () => {
		const room = await freshRoom();
		const plans = await runInDurableObject(stubFor(room), (_instance, state) => {
			new MessageStore(state.storage.sql);
			const plan = (sql: string, ...args: unknown[]) =>
				state.storage.sql
					.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...args)
					.toArray()
					.map((r) => r.detail)
					.join("; ");
			// The store's own statements, not copies: a change to one is checked here.
			return {
				page: plan(MESSAGE_QUERIES.page, 100, 51),
				after: plan(MESSAGE_QUERIES.after, 10, 100),
				byClient: plan(MESSAGE_QUERIES.byClient, "u", "c"),
			};
		});
		expect(plans.page).toMatch(/SEARCH messages USING INTEGER PRIMARY KEY \(rowid<\?\)/);
		expect(plans.after).toMatch(/SEARCH messages USING INTEGER PRIMARY KEY \(rowid>\?\)/);
		expect(plans.byClient).toMatch(/USING (COVERING )?INDEX messages_author_client/);
		for (const p of Object.values(plans)) expect(p).not.toMatch(/TEMP B-TREE/);
	});

	it("finds the oldest kept ordinal by reading one row, however many messages the room keeps", async () => {
		const room = await freshRoom();
		const { oldestN, lowest, rowsRead } = await runInDurableObject(stubFor(room), (_instance, state) => {
			const sql = state.storage.sql;
			// 2,000 messages, the first 300 pruned: the retention check runs after every written batch.
			sql.exec(
				`WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < 2000)
				 INSERT INTO messages (seq, n, rev, id, author_id, author_name, text, created_at, client_id)
				 SELECT k * 2, k, k * 2, 'm' || k, 'u', 'U', 'hello', k, 'c' || k FROM i`,
			);
			sql.exec("DELETE FROM messages WHERE n <= 300");
			const cursor = sql.exec<{ n: number }>(MESSAGE_QUERIES.oldestN);
			cursor.toArray();
			return {
				oldestN: new MessageStore(sql).oldestN(),
				lowest: sql.exec<{ n: number }>("SELECT MIN(n) AS n FROM messages").one().n,
				rowsRead: cursor.rowsRead,
			};
		});
		expect(oldestN).toBe(301);
		expect(lowest).toBe(301);
		expect(rowsRead).toBeLessThanOrEqual(1);
	});

	it("stores nothing and takes no seq for a clientId its author already sent", async () => {
		const room = await freshRoom();
		const result = await runInDurableObject(stubFor(room), (_instance, state) => {
			const store = new MessageStore(state.storage.sql);
			const author = { id: "u1", name: "One", image: null, guest: false };
			const other = { id: "u2", name: "Two", image: null, guest: false };
			const first = store.append(author, "hello", "client-0001", 1000, null);
			const again = store.append(author, "hello again", "client-0001", 2000, null);
			// The key is per author: someone else may use the same clientId.
			const theirs = store.append(other, "mine", "client-0001", 3000, null);
			const rows = state.storage.sql
				.exec<{ seq: number; text: string }>("SELECT seq, text FROM messages ORDER BY seq")
				.toArray();
			const outbox = state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM archive_outbox").one().n;
			return { first: first?.seq, again, theirs: theirs?.seq, latest: store.latestSeq, rows, outbox };
		});
		expect(result.again).toBeNull();
		expect(result.first).toBe(1);
		expect(result.theirs).toBe(2);
		expect(result.latest).toBe(2);
		expect(result.rows).toEqual([
			{ seq: 1, text: "hello" },
			{ seq: 2, text: "mine" },
		]);
		expect(result.outbox).toBe(2);
	});
});
