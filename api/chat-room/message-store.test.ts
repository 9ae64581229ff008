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
});
