import type { Author, ChatMessage } from "../../../api/protocol/room-protocol";
import type { OutboxEntry } from "./outbox";

/** Consecutive messages by one author within this window share one header (name, avatar). */
const GROUP_WINDOW_MS = 5 * 60_000;

export type ChatRow =
	| { kind: "day"; key: string; day: number }
	/** "New messages": before the first message the reader had not read when they opened the room. */
	| { kind: "unread"; key: string }
	| { kind: "message"; key: string; message: ChatMessage; grouped: boolean; own: boolean }
	| { kind: "pending"; key: string; entry: OutboxEntry; author: Author; grouped: boolean };

/** Local midnight of a timestamp: days divide where the reader's calendar does. */
function startOfDay(time: number): number {
	const d = new Date(time);
	d.setHours(0, 0, 0, 0);
	return d.getTime();
}

/**
 * A message and its optimistic copy share one key (`author:clientId`), so when the ack arrives the
 * row is updated in place instead of being replaced: no flicker, no scroll jump.
 */
export const rowKey = (authorId: string, clientId: string) => `m:${authorId}:${clientId}`;

/**
 * The list as rendered: stored messages, then this user's unsent ones, with day dividers and grouping.
 * While older history is still to load, the first day's divider is left out: those older messages
 * may be from the same day, and a divider at the very top would be the row the list anchors to
 * when they are prepended (it stays first), so the reader's message would not hold its place.
 */
export function buildRows(
	messages: ChatMessage[],
	pending: OutboxEntry[],
	me: Author | null,
	options: { olderToLoad?: boolean; unreadAfter?: number | null } = {},
): ChatRow[] {
	const rows: ChatRow[] = [];
	let lastDay: number | null = null;
	let last: { authorId: string; at: number } | null = null;
	const stored = new Set<string>();

	// `startOfDay` builds a Date; rebuilding rows for a long history calls this per message, so
	// the current day's bounds are kept and a Date is only made when a message leaves them.
	let dayStart = Number.POSITIVE_INFINITY;
	let dayEnd = Number.NEGATIVE_INFINITY;
	const place = (authorId: string, at: number): boolean => {
		if (at < dayStart || at >= dayEnd) {
			dayStart = startOfDay(at);
			dayEnd = startOfDay(dayStart + 36 * 3_600_000);
		}
		const day = dayStart;
		if (day !== lastDay) {
			const leading = lastDay === null;
			if (!leading || !options.olderToLoad) rows.push({ kind: "day", key: `d:${day}`, day });
			if (!leading || !options.olderToLoad || rows.length > 0) last = null;
			lastDay = day;
		}
		const grouped = last !== null && last.authorId === authorId && at - last.at < GROUP_WINDOW_MS;
		last = { authorId, at };
		return grouped;
	};

	const unreadAfter = options.unreadAfter ?? null;
	let divided = unreadAfter === null;
	for (const message of messages) {
		const key = rowKey(message.author.id, message.clientId);
		stored.add(key);
		const own = message.author.id === me?.id;
		// A reply shows its header: the quote above it belongs to it, not to the message before.
		let grouped = place(message.author.id, message.createdAt) && message.replyTo === null;
		// One's own messages are never news; the divider goes before the first one from someone else.
		if (!divided && unreadAfter !== null && message.seq > unreadAfter && !own) {
			divided = true;
			rows.push({ kind: "unread", key: "unread" });
			grouped = false;
		}
		rows.push({ kind: "message", key, message, grouped, own });
	}
	if (me) {
		for (const entry of pending) {
			const key = rowKey(me.id, entry.clientId);
			// Acked and already broadcast back: the stored message is the row now.
			if (stored.has(key)) continue;
			const grouped = place(me.id, entry.createdAt) && !entry.replyTo;
			rows.push({ kind: "pending", key, entry, author: me, grouped });
		}
	}
	return rows;
}

function sameRow(a: ChatRow, b: ChatRow): boolean {
	if (a.kind === "day" || b.kind === "day" || a.kind === "unread" || b.kind === "unread") {
		return a.kind === b.kind && a.key === b.key;
	}
	if (a.kind === "message" && b.kind === "message")
		return a.message === b.message && a.grouped === b.grouped && a.own === b.own;
	if (a.kind === "pending" && b.kind === "pending")
		return a.entry === b.entry && a.author === b.author && a.grouped === b.grouped;
	return false;
}

/**
 * `next` with every row that did not change replaced by its object from `previous`. The list
 * re-renders a row only when its object changes, so a live message touches one row, not all.
 */
export function keepUnchangedRows(next: ChatRow[], previous: ChatRow[] | undefined): ChatRow[] {
	if (!previous || previous.length === 0) return next;
	const byKey = new Map(previous.map((row) => [row.key, row]));
	return next.map((row) => {
		const old = byKey.get(row.key);
		return old && sameRow(old, row) ? old : row;
	});
}
