import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshRoom } from "../../tests/workers/room-socket";
import type { RoomActivityNote } from "../protocol/inbox-protocol";
import { ActivityNotes } from "./activity-notes";

/** A delivery whose answers the test gives, one by one, after seeing what was sent. */
function heldDelivery() {
	const sent: Array<{ userId: string; note: RoomActivityNote; answer: (online: boolean) => void }> = [];
	const deliver = (userId: string, note: RoomActivityNote) =>
		new Promise<boolean>((answer) => {
			sent.push({ userId, note, answer });
		});
	return { sent, deliver };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Runs `body` inside a fresh room's Durable Object, with notes whose deliveries the test answers. */
async function withNotes(
	latest: { seq: number; n: number },
	body: (
		room: string,
		notes: ActivityNotes,
		sent: ReturnType<typeof heldDelivery>["sent"],
		sql: SqlStorage,
	) => Promise<void>,
): Promise<void> {
	const room = await freshRoom("notes");
	await runInDurableObject(env.CHAT_ROOM.getByName(room), async (_instance, state) => {
		const { sent, deliver } = heldDelivery();
		await body(room, new ActivityNotes(state.storage.sql, () => latest, deliver, 0), sent, state.storage.sql);
	});
}

describe("ActivityNotes (the room's side of the live sidebar)", () => {
	it("drops a watcher whose inbox has no socket, but not one that watched again while the note was out", async () => {
		await withNotes({ seq: 7, n: 5 }, async (room, notes, sent, sql) => {
			notes.watch(room, "gone");
			notes.watch(room, "reloading");
			notes.changed(room, [{ userId: "reloading", seq: 7 }]);
			await settle();
			expect(sent.map((s) => [s.userId, s.note.latestSeq, s.note.mentions])).toEqual([
				["gone", 7, 0],
				["reloading", 7, 1],
			]);
			// "reloading" opened a new tab after the note left and before its inbox answered.
			notes.watch(room, "reloading");
			for (const s of sent) s.answer(false);
			await settle();
			const rows = sql.exec<{ user_id: string }>("SELECT user_id FROM inbox_watchers").toArray();
			expect(rows.map((r) => r.user_id)).toEqual(["reloading"]);
			expect(notes.watcherCount).toBe(1);
		});
	});

	it("names the deleted messages that had mentioned a watcher in its next note, once", async () => {
		await withNotes({ seq: 9, n: 5 }, async (room, notes, sent) => {
			notes.watch(room, "reader");
			notes.changed(room, [], Date.now(), [
				{ userId: "reader", seq: 4 },
				{ userId: "reader", seq: 6 },
				{ userId: "offline", seq: 4 },
			]);
			await settle();
			expect(sent.map((s) => [s.userId, s.note.mentions, s.note.unmentioned])).toEqual([["reader", 0, [4, 6]]]);
			notes.changed(room, []);
			await settle();
			expect(sent.at(-1)?.note.unmentioned).toEqual([]);
		});
	});
});
