import type { EventsPage, HistoryAnchor, HistoryPage } from "../protocol/http-api";
import type { MessageStore } from "./message-store";

/** Events one gap-repair request returns at most. */
export const EVENTS_PAGE = 200;

/**
 * One page of history, ascending, with messages as they are now (every change folded in): the
 * newest page, or the page before, after or around a seq, and whether more lies on either side.
 */
export function historyPage(store: MessageStore, roomId: string, anchor: HistoryAnchor, limit: number): HistoryPage {
	const range = { roomId, oldestSeq: store.oldestSeq(), latestSeq: store.latestSeq };
	// Whether any message is kept at or after / before a seq: one index probe each.
	const anyFrom = (seq: number) => store.pageAfter(seq - 1, 1).messages.length > 0;
	const anyBefore = (seq: number) => store.page(seq, 1).messages.length > 0;
	switch (anchor.kind) {
		case "latest":
			return { ...range, ...store.page(undefined, limit), hasNewer: false };
		case "before":
			return { ...range, ...store.page(anchor.seq, limit), hasNewer: anyFrom(anchor.seq) };
		case "after":
			return { ...range, ...store.pageAfter(anchor.seq, limit), hasOlder: anyBefore(anchor.seq + 1) };
		case "around":
			return { ...range, ...store.around(anchor.seq, limit) };
	}
}

/**
 * The log after `after` for a client that found a gap in what it was sent, or `reset` when that
 * part of the log was pruned (or the client claims a seq the room never issued).
 */
export function eventsPage(store: MessageStore, after: number): EventsPage {
	const oldestSeq = store.oldestSeq();
	const latestSeq = store.latestSeq;
	if (after > latestSeq || after < oldestSeq - 1) return { kind: "reset", oldestSeq, latestSeq };
	return { kind: "events", ...store.eventsAfter(after, EVENTS_PAGE) };
}
