import { describe, expect, it } from "vitest";
import type { ChangeEvent } from "../../../api/protocol/message-events";
import { applyEvents, cursorOf, flattenMessages, type HistoryData, mergeMessages, withCursor } from "./message-cache";
import { created, testMessage as msg, testPage as page } from "./message-fixtures";

const data = (...pages: ReturnType<typeof page>[]): HistoryData => ({ pages, pageParams: pages.map(() => undefined) });
const seqs = (d: HistoryData) => flattenMessages(d).map((m) => m.seq);
const ada = { id: "ada", name: "Ada" };

const edit = (seq: number, messageSeq: number, text: string): ChangeEvent => ({
	kind: "edit",
	seq,
	messageId: `id-${messageSeq}`,
	messageSeq,
	at: seq,
	text,
	by: ada,
	mentions: [],
	here: false,
	notify: [],
});
const react = (seq: number, messageSeq: number, emoji: string, on = true): ChangeEvent => ({
	kind: "react",
	seq,
	messageId: `id-${messageSeq}`,
	messageSeq,
	at: seq,
	emoji,
	user: ada,
	on,
});
const remove = (seq: number, messageSeq: number): ChangeEvent => ({
	kind: "delete",
	seq,
	messageId: `id-${messageSeq}`,
	messageSeq,
	at: seq,
	by: ada,
	moderator: false,
});

describe("the history cache", () => {
	it("appends live messages to the newest page only, and merges a backfill into the page it belongs to", () => {
		const start = data(page([msg(1), msg(2)]), page([msg(5), msg(6)]));
		const live = mergeMessages(start, [msg(7), msg(8)]);
		expect(live.pages[0]).toBe(start.pages[0]);
		expect(seqs(live)).toEqual([1, 2, 5, 6, 7, 8]);
		const backfilled = mergeMessages(live, [msg(3), msg(4)]);
		expect(backfilled.pages[0]?.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
		expect(mergeMessages(backfilled, [msg(3)])).toBe(backfilled);
	});

	it("replaces a held message only with a fresher copy (higher rev)", () => {
		const start = data(page([msg(1), msg(2)]));
		const fresher = msg(1, { text: "edited", rev: 9 });
		const merged = mergeMessages(start, [fresher]);
		expect(flattenMessages(merged)[0]?.text).toBe("edited");
		expect(mergeMessages(merged, [msg(1)])).toBe(merged);
	});

	it("folds changes by rev: a duplicate or an older change than the copy held changes nothing", () => {
		const start = data(page([msg(1), msg(2)], 2));
		const once = applyEvents(start, [edit(3, 1, "one!"), react(4, 2, "👍")]);
		expect(flattenMessages(once).map((m) => [m.text, m.rev, m.reactions.length])).toEqual([
			["one!", 3, 0],
			["m2", 4, 1],
		]);
		expect(applyEvents(once, [edit(3, 1, "one!"), react(4, 2, "👍")])).toBe(once);
		// A fresher copy arrived first (a history page folded later): the older change is skipped.
		const fresh = data(page([msg(1, { text: "final", rev: 10 })]));
		expect(applyEvents(fresh, [edit(3, 1, "stale")])).toBe(fresh);
	});

	it("takes a message apart on delete and keeps replies pointing at a deleted message", () => {
		const parent = msg(1, { text: "parent" });
		const reply = msg(2, {
			replyTo: { id: parent.id, seq: 1, authorName: "U", excerpt: "parent", deleted: false },
		});
		const start = data(page([parent, reply]));
		const edited = applyEvents(start, [edit(3, 1, "parent, edited\nline two")]);
		expect(flattenMessages(edited)[1]?.replyTo?.excerpt).toBe("parent, edited");
		const gone = applyEvents(edited, [remove(4, 1)]);
		const [tomb, answer] = flattenMessages(gone);
		expect(tomb).toMatchObject({ text: "", reactions: [], deleted: { by: ada } });
		expect(answer?.replyTo).toMatchObject({ deleted: true, excerpt: "" });
	});

	it("lets a window take live messages only once it reaches the present", () => {
		const behind = data(page([msg(10), msg(11)], 11, { hasNewer: true }));
		expect(applyEvents(behind, [created(msg(50))], "at-present")).toBe(behind);
		const caughtUp = data(page([msg(10), msg(11)], 11, { hasNewer: false }));
		expect(seqs(applyEvents(caughtUp, [created(msg(50)), created(msg(3))], "at-present"))).toEqual([10, 11, 50]);
	});

	it("keeps its cursor on the newest page", () => {
		const start = data(page([msg(1)], 1), page([msg(2)], 4));
		expect(cursorOf(start)).toBe(4);
		expect(cursorOf(withCursor(start, 9))).toBe(9);
		expect(withCursor(start, 4)).toBe(start);
	});
});
