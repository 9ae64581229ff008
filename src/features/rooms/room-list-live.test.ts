import { describe, expect, it } from "vitest";
import type { RoomList, RoomSummary } from "../../../api/protocol/http-api";
import { applyInboxFrame, LatestSeen, listOutOfDate } from "./room-list-live";

const room = (id: string, over: Partial<RoomSummary> = {}): RoomSummary => ({
	id,
	name: id,
	visibility: "public",
	member: true,
	role: "member",
	latestSeq: 10,
	latestN: 8,
	lastReadSeq: 10,
	unread: 0,
	mentions: 0,
	latestMentionSeq: null,
	muted: false,
	...over,
});

const note = (
	roomId: string,
	latestN: number,
	mentions = 0,
	latestMentionSeq: number | null = null,
	unmentioned: number[] = [],
) => ({
	type: "room_activity" as const,
	roomId,
	latestSeq: latestN + 2,
	latestN,
	mentions,
	latestMentionSeq,
	unmentioned,
});

describe("the sidebar's room list, moved by inbox notes", () => {
	it("counts new messages and mentions in the room the note is about, and nowhere else", () => {
		const list: RoomList = { rooms: [room("a"), room("b")] };
		const next = applyInboxFrame(list, note("a", 11, 1, 13));
		expect(next.rooms[0]).toMatchObject({ unread: 3, latestN: 11, latestSeq: 13, mentions: 1, latestMentionSeq: 13 });
		expect(next.rooms[1]).toBe(list.rooms[1]);
	});

	it("counts nothing twice: a repeated or stale note leaves the list as it is", () => {
		const once = applyInboxFrame({ rooms: [room("a")] }, note("a", 11, 1, 13));
		expect(applyInboxFrame(once, note("a", 11, 1, 13))).toBe(once);
		expect(applyInboxFrame(once, note("a", 9))).toBe(once);
	});

	it("takes a snapshot as counts only, and ignores rooms the user is not a member of", () => {
		const list: RoomList = { rooms: [room("a"), room("browse", { member: false, unread: 0 })] };
		const next = applyInboxFrame(list, {
			type: "rooms",
			rooms: [
				{ roomId: "a", latestSeq: 14, latestN: 10 },
				{ roomId: "browse", latestSeq: 99, latestN: 90 },
			],
		});
		expect(next.rooms[0]).toMatchObject({ unread: 2, latestN: 10, mentions: 0 });
		expect(next.rooms[1]).toBe(list.rooms[1]);
	});

	it("takes a deleted message's mention off the badge, unless the reader had read it or the list never counted it", () => {
		const counted = room("a", { lastReadSeq: 10, mentions: 2, latestMentionSeq: 13 });
		// Seq 12 mentioned the reader, unread: one fewer.
		expect(applyInboxFrame({ rooms: [counted] }, note("a", 9, 0, null, [12])).rooms[0]).toMatchObject({
			mentions: 1,
			latestMentionSeq: 13,
		});
		// Seq 9 was read already, and seq 20 is newer than any mention the list counts.
		expect(applyInboxFrame({ rooms: [counted] }, note("a", 9, 0, null, [9, 20])).rooms[0]).toMatchObject({
			mentions: 2,
		});
		// Both gone: no badge, and nothing for a notification to open.
		expect(applyInboxFrame({ rooms: [counted] }, note("a", 9, 0, null, [12, 13])).rooms[0]).toMatchObject({
			mentions: 0,
			latestMentionSeq: null,
		});
		// A message that came and went within one note leaves the badge as it was.
		expect(applyInboxFrame({ rooms: [room("a")] }, note("a", 9, 1, 11, [11])).rooms[0]).toMatchObject({
			unread: 1,
			mentions: 0,
			latestMentionSeq: null,
		});
	});

	it("does not count a mention the reader has read, or one the list already counts", () => {
		const read = applyInboxFrame({ rooms: [room("a", { lastReadSeq: 20 })] }, note("a", 11, 1, 13));
		expect(read.rooms[0]).toMatchObject({ unread: 3, mentions: 0, latestMentionSeq: null });
		const known = applyInboxFrame({ rooms: [room("a", { mentions: 1, latestMentionSeq: 13 })] }, note("a", 11, 1, 13));
		expect(known.rooms[0]).toMatchObject({ unread: 3, mentions: 1, latestMentionSeq: 13 });
	});

	it("applies a read marker from another device: unread is what lies past it, mentions before it go", () => {
		const list: RoomList = {
			rooms: [room("a", { latestSeq: 30, latestN: 20, unread: 12, mentions: 2, latestMentionSeq: 25 })],
		};
		const partly = applyInboxFrame(list, { type: "read", roomId: "a", lastReadSeq: 22, lastReadN: 15 });
		expect(partly.rooms[0]).toMatchObject({ lastReadSeq: 22, unread: 5, mentions: 2, latestMentionSeq: 25 });
		const all = applyInboxFrame(partly, { type: "read", roomId: "a", lastReadSeq: 30, lastReadN: 20 });
		expect(all.rooms[0]).toMatchObject({ lastReadSeq: 30, unread: 0, mentions: 0, latestMentionSeq: null });
		expect(applyInboxFrame(all, { type: "read", roomId: "a", lastReadSeq: 22, lastReadN: 15 })).toBe(all);
	});

	it("brings a list fetched from a lagging copy up to what the inbox already said, without counting twice", () => {
		const seen = new LatestSeen();
		seen.note(note("a", 11));
		// The list was fetched after the note, from a D1 copy that had not caught up yet.
		const fetched: RoomList = { rooms: [room("a", { latestSeq: 10, latestN: 8, unread: 0 })] };
		const caughtUp = seen.applyTo(fetched);
		expect(caughtUp.rooms[0]).toMatchObject({ latestSeq: 13, latestN: 11, unread: 3 });
		expect(seen.applyTo(caughtUp)).toBe(caughtUp);
	});

	it("asks for the list again when a frame speaks of a room joined or left elsewhere, and only then", () => {
		const list: RoomList = { rooms: [room("a"), room("browse", { member: false })] };
		expect(listOutOfDate(list, note("a", 11))).toBe(false);
		expect(listOutOfDate(list, note("new-room", 1))).toBe(true);
		expect(listOutOfDate(list, { type: "rooms", rooms: [{ roomId: "browse", latestSeq: 1, latestN: 1 }] })).toBe(true);
		expect(listOutOfDate(list, { type: "left", roomId: "a" })).toBe(true);
		expect(listOutOfDate(list, { type: "left", roomId: "browse" })).toBe(false);
	});
});
