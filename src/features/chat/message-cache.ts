import type { InfiniteData } from "@tanstack/solid-query";
import type { HistoryPage } from "../../../api/protocol/http-api";
import { applyChange, type ChangeEvent, previewAfter } from "../../../api/protocol/message-events";
import type { ChatMessage, RoomEvent } from "../../../api/protocol/room-protocol";

/**
 * A stretch of the room's history as TanStack Query holds it: pages oldest first, each ascending
 * by `seq`. In the room's main history the newest page's `latestSeq` is the *cursor*: every event
 * of the room's log up to it is folded into the cache (live-merge.ts moves it).
 */
export type HistoryData = InfiniteData<HistoryPage, unknown>;

/** Where a stretch accepts new messages: anywhere (the main history), or only at its end once it reaches the present. */
type CreatePolicy = "merge" | "at-present";

/** The cursor: the seq up to which the log is folded into this cache. */
export function cursorOf(data: HistoryData): number {
	return data.pages.at(-1)?.latestSeq ?? 0;
}

/** The same data with the cursor at `seq`. */
export function withCursor(data: HistoryData, seq: number): HistoryData {
	const last = data.pages.at(-1);
	if (!last || last.latestSeq === seq) return data;
	return { ...data, pages: [...data.pages.slice(0, -1), { ...last, latestSeq: seq }] };
}

/**
 * Folds events into the cached pages: new messages are merged by `seq` (a copy with a higher
 * `rev` replaces an older one), changes are applied to the message they name when it is held
 * (by `applyChange`, which ignores what is already folded in), and replies follow their parent's
 * edits and deletion. Events may come twice or out of order. Returns the same object when nothing
 * changes, so subscribers are not woken for duplicates.
 */
export function applyEvents(
	data: HistoryData,
	events: readonly RoomEvent[],
	creates: CreatePolicy = "merge",
): HistoryData {
	if (events.length === 0 || data.pages.length === 0) return data;
	const created: ChatMessage[] = [];
	const changes: ChangeEvent[] = [];
	for (const event of events) {
		if (event.kind === "create") created.push(event.message);
		else changes.push(event);
	}
	let out = data;
	if (created.length > 0) {
		if (creates === "merge") out = mergeMessages(out, created);
		else if (out.pages.at(-1)?.hasNewer === false) {
			// A window opened around an old message takes live messages only at its end, once it reaches them.
			const first = out.pages[0]?.messages[0]?.seq ?? Number.POSITIVE_INFINITY;
			out = mergeMessages(
				out,
				created.filter((m) => m.seq > first),
			);
		}
	}
	if (changes.length > 0) out = applyChanges(out, changes);
	return out === data ? data : refreshReplies(out, created, changes);
}

/** Where a seq sits: each page holding it (pages can overlap after a refetch), and its index there. */
function locate(pages: readonly HistoryPage[], seq: number): Array<[number, number]> {
	const found: Array<[number, number]> = [];
	pages.forEach((page, p) => {
		const list = page.messages;
		const first = list[0]?.seq;
		const last = list.at(-1)?.seq;
		if (first === undefined || last === undefined || seq < first || seq > last) return;
		let lo = 0;
		let hi = list.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			const at = list[mid]?.seq ?? 0;
			if (at === seq) {
				found.push([p, mid]);
				return;
			}
			if (at < seq) lo = mid + 1;
			else hi = mid - 1;
		}
	});
	return found;
}

function replaceMessage(pages: HistoryPage[], p: number, i: number, message: ChatMessage): HistoryPage[] {
	const page = pages[p];
	if (!page) return pages;
	const messages = page.messages.slice();
	messages[i] = message;
	const next = pages.slice();
	next[p] = { ...page, messages };
	return next;
}

function applyChanges(data: HistoryData, changes: readonly ChangeEvent[]): HistoryData {
	let pages = data.pages;
	for (const change of changes) {
		for (const [p, i] of locate(pages, change.messageSeq)) {
			const message = pages[p]?.messages[i];
			if (!message) continue;
			const folded = applyChange(message, change);
			if (folded === message) continue;
			pages = replaceMessage(pages, p, i, folded);
		}
	}
	return pages === data.pages ? data : { ...data, pages };
}

function held(pages: readonly HistoryPage[], seq: number, id: string): ChatMessage | undefined {
	for (const [p, i] of locate(pages, seq)) {
		const message = pages[p]?.messages[i];
		if (message?.id === id) return message;
	}
	return undefined;
}

/**
 * A reply shows its parent as it is now. The room keeps that preview up to date, but it is not a
 * change with a seq of its own (it does not move the reply's `rev`), so a copy of a reply can
 * carry an older preview than the parent held beside it. Whenever the cache holds the parent, the
 * reply's preview is taken from it: from the parent a change or a fresh copy just touched, and for
 * a reply just merged. (Replies come after their parent, so only later messages are looked at.)
 */
function refreshReplies(
	data: HistoryData,
	created: readonly ChatMessage[],
	changes: readonly ChangeEvent[],
): HistoryData {
	let pages = data.pages;
	const fix = (p: number, i: number, message: ChatMessage, parent: ChatMessage) => {
		if (!message.replyTo) return;
		const replyTo = previewAfter(message.replyTo, parent);
		if (replyTo !== message.replyTo) pages = replaceMessage(pages, p, i, { ...message, replyTo });
	};
	for (const reply of created) {
		if (!reply.replyTo) continue;
		const parent = held(pages, reply.replyTo.seq, reply.replyTo.id);
		if (!parent) continue;
		for (const [p, i] of locate(pages, reply.seq)) {
			const message = pages[p]?.messages[i];
			if (message) fix(p, i, message, parent);
		}
	}
	const parents = new Map<string, number>();
	for (const m of created) parents.set(m.id, m.seq);
	for (const c of changes) if (c.kind === "edit" || c.kind === "delete") parents.set(c.messageId, c.messageSeq);
	for (const [id, seq] of parents) {
		const parent = held(pages, seq, id);
		if (!parent) continue;
		pages.forEach((page, p) => {
			if ((page.messages.at(-1)?.seq ?? 0) <= seq) return;
			page.messages.forEach((m, i) => {
				if (m.seq > seq && m.replyTo?.id === id) fix(p, i, m, parent);
			});
		});
	}
	return pages === data.pages ? data : { ...data, pages };
}

function insertSorted(messages: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
	const bySeq = new Map(messages.map((m) => [m.seq, m]));
	for (const m of incoming) bySeq.set(m.seq, m);
	return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Merges messages (live pushes, backfills) into the cached pages by `seq`: each goes to the newest
 * page whose first message is not after it; a `seq` already present is replaced only by a fresher
 * copy (higher `rev`), never repeated. Returns the same object when nothing changes.
 */
export function mergeMessages(data: HistoryData, incoming: ChatMessage[]): HistoryData {
	const pageCount = data.pages.length;
	if (pageCount === 0 || incoming.length === 0) return data;
	const appended = appendNewer(data, incoming);
	if (appended) return appended;
	const known = new Map<number, ChatMessage>();
	for (const page of data.pages) for (const m of page.messages) known.set(m.seq, m);
	const fresh = incoming.filter((m) => {
		const held = known.get(m.seq);
		return !held || m.rev > held.rev;
	});
	if (fresh.length === 0) return data;

	const buckets = new Map<number, ChatMessage[]>();
	for (const m of fresh) {
		let target = pageCount - 1;
		while (target > 0 && (data.pages[target]?.messages[0]?.seq ?? Number.POSITIVE_INFINITY) > m.seq) target--;
		buckets.set(target, [...(buckets.get(target) ?? []), m]);
	}
	const pages = data.pages.map((page, i) => {
		const add = buckets.get(i);
		return add ? { ...page, messages: insertSorted(page.messages, add) } : page;
	});
	return { ...data, pages };
}

/**
 * The common case, a live push: every incoming seq is above the newest cached one. Then only the
 * newest page changes and nothing else is looked at, however long the loaded history is. Null
 * when the fast path does not apply.
 */
function appendNewer(data: HistoryData, incoming: ChatMessage[]): HistoryData | null {
	const last = data.pages.at(-1);
	const newestCached = last?.messages.at(-1)?.seq;
	if (!last || newestCached === undefined) return null;
	let previous = newestCached;
	for (const m of incoming) {
		// Ascending and above the cache; anything else (a duplicate, a backfill) takes the full path.
		if (m.seq <= previous) return null;
		previous = m.seq;
	}
	const pages = [...data.pages.slice(0, -1), { ...last, messages: [...last.messages, ...incoming] }];
	return { ...data, pages };
}

/** Message arrays of pages already seen to ascend strictly by seq (a page's array is never changed in place). */
const ascendingPages = new WeakSet<ChatMessage[]>();

function ascends(messages: ChatMessage[]): boolean {
	if (ascendingPages.has(messages)) return true;
	for (let i = 1; i < messages.length; i++)
		if ((messages[i - 1] as ChatMessage).seq >= (messages[i] as ChatMessage).seq) return false;
	ascendingPages.add(messages);
	return true;
}

/**
 * Every cached message once, ascending by `seq` (pages may overlap after a refetch). Run for every
 * live message and every older page: when the pages follow one another, as they nearly always do,
 * it only checks where they meet and copies, without sorting (10 ms with 100k messages before).
 */
export function flattenMessages(data: HistoryData | undefined): ChatMessage[] {
	if (!data) return [];
	let newest = Number.NEGATIVE_INFINITY;
	let inOrder = true;
	for (const page of data.pages) {
		const first = page.messages[0];
		if (!first) continue;
		if (first.seq <= newest || !ascends(page.messages)) {
			inOrder = false;
			break;
		}
		newest = (page.messages[page.messages.length - 1] as ChatMessage).seq;
	}
	// `concat` copies each page's array whole, natively: a loop over the messages took 4 ms at 100k.
	if (inOrder) return ([] as ChatMessage[]).concat(...data.pages.map((page) => page.messages));
	const out: ChatMessage[] = [];
	let last = Number.NEGATIVE_INFINITY;
	const sorted = data.pages.flatMap((p) => p.messages).sort((a, b) => a.seq - b.seq);
	for (const m of sorted) {
		if (m.seq === last) continue;
		out.push(m);
		last = m.seq;
	}
	return out;
}
