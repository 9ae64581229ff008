import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HistoryPage } from "../../../api/protocol/http-api";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { findGap, flattenMessages, type HistoryData, latestCachedSeq, mergeMessages } from "./message-cache";

const msg = (seq: number): ChatMessage => ({
	seq,
	id: `id-${seq}`,
	author: { id: "u", name: "U", image: null, guest: false },
	text: `m${seq}`,
	createdAt: seq * 1000,
	clientId: `client-${seq}`,
});

function page(seqs: number[], latestSeq: number, hasMore: boolean): HistoryPage {
	// As the server answers: with nothing older left, the page starts at the room's oldest seq.
	const oldestSeq = hasMore ? 1 : (seqs[0] ?? latestSeq + 1);
	return { roomId: "r", messages: seqs.map(msg), oldestSeq, latestSeq, hasMore };
}

const data = (...pages: HistoryPage[]): HistoryData => ({
	pages,
	pageParams: pages.map((_, i) => (i === pages.length - 1 ? undefined : i)),
});

describe("mergeMessages", () => {
	it("appends live messages to the newest page and raises its latestSeq", () => {
		const merged = mergeMessages(data(page([1, 2], 2, false)), [msg(3)]);
		expect(flattenMessages(merged).map((m) => m.seq)).toEqual([1, 2, 3]);
		expect(merged.pages.at(-1)?.latestSeq).toBe(3);
	});

	it("returns the same object for duplicates, so nothing re-renders", () => {
		const before = data(page([1, 2], 2, false));
		expect(mergeMessages(before, [msg(2), msg(1)])).toBe(before);
	});

	it("puts a backfilled message into the page whose range holds it", () => {
		const merged = mergeMessages(data(page([1, 2], 5, true), page([4, 5], 5, true)), [msg(3)]);
		expect(merged.pages[0]?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
	});

	// Issue 7.3: any interleaving of pages and pushes, with duplicates, reordering and overlap,
	// yields the server's list in seq order.
	it("yields the server's list in seq order for any interleaving of pages and pushes", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 120 }),
				fc.array(fc.tuple(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 30 })), { maxLength: 6 }),
				fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 80 }),
				fc.integer({ min: 1, max: 50 }),
				(total, pageSpecs, pushes, latestLen) => {
					// The latest page first (as the query loads it), then older pages and pushes in any order.
					const latestStart = Math.max(1, total - latestLen + 1);
					let cache = data(page(range(latestStart, total), total, latestStart > 1));
					const events: Array<["page", number, number] | ["push", number]> = [
						...pageSpecs.map(([end, len]): ["page", number, number] => ["page", Math.min(end, total), len]),
						...pushes.map((s): ["push", number] => ["push", Math.min(s, total)]),
					];
					for (const event of events) {
						if (event[0] === "push") cache = mergeMessages(cache, [msg(event[1])]);
						else {
							const [, end, len] = event;
							const older = page(range(Math.max(1, end - len + 1), end), total, end - len + 1 > 1);
							cache = { pages: [older, ...cache.pages], pageParams: [end, ...cache.pageParams] };
						}
					}
					const seqs = flattenMessages(cache).map((m) => m.seq);
					expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
					// Everything the cache holds from the latest page's start on is the server's run, gap-free.
					expect(seqs.filter((s) => s >= latestStart)).toEqual(range(latestStart, total));
					for (const m of flattenMessages(cache)) expect(m).toEqual(msg(m.seq));
				},
			),
			{ numRuns: 300 },
		);
	});
});

describe("findGap and latestCachedSeq", () => {
	it("finds the first missing run of seqs", () => {
		expect(findGap(data(page([1, 2, 5, 6], 6, false)))).toEqual({ after: 2, before: 5 });
		expect(findGap(data(page([1, 2, 3], 3, false)))).toBeNull();
	});

	it("reports the room's latest seq even when no message is kept, 0 for an empty room", () => {
		expect(latestCachedSeq(data(page([], 42, false)))).toBe(42);
		expect(latestCachedSeq(data(page([], 0, false)))).toBe(0);
		expect(latestCachedSeq(undefined)).toBeNull();
	});

	// Issue 15.5: a room that was empty when it was loaded, then got messages while away.
	it("finds a hole when the cache holds fewer than two messages", () => {
		const empty = data(page([], 0, false));
		expect(findGap(mergeMessages(empty, [msg(4)]))).toEqual({ after: 0, before: 4 });
		expect(findGap(empty, 3)).toEqual({ after: 0, before: 4 });
		expect(findGap(data(page([7], 7, false)), 9)).toEqual({ after: 7, before: 10 });
		expect(findGap(empty, 0)).toBeNull();
	});

	it("does not take unloaded older history for a hole", () => {
		expect(findGap(data(page([40, 41], 41, true)))).toBeNull();
		expect(findGap(data(page([40, 41], 41, true)), 43)).toEqual({ after: 41, before: 44 });
	});
});

function range(from: number, to: number): number[] {
	return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
