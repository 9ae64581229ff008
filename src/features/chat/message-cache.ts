import type { InfiniteData } from "@tanstack/solid-query";
import type { HistoryPage } from "../../../api/protocol/http-api";
import type { ChatMessage } from "../../../api/protocol/room-protocol";

/** The room's history as TanStack Query holds it: pages oldest first, each page ascending by `seq`. */
export type HistoryData = InfiniteData<HistoryPage, unknown>;

function insertSorted(messages: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
	const bySeq = new Map(messages.map((m) => [m.seq, m]));
	for (const m of incoming) bySeq.set(m.seq, m);
	return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Merges messages (live pushes, backfills) into the cached pages by `seq`: each goes to the newest
 * page whose first message is not after it, a `seq` already present is replaced, not repeated.
 * Returns the same object when nothing changes, so subscribers are not woken for duplicates.
 */
export function mergeMessages(data: HistoryData, incoming: ChatMessage[]): HistoryData {
	const pageCount = data.pages.length;
	if (pageCount === 0 || incoming.length === 0) return data;
	const appended = appendNewer(data, incoming);
	if (appended) return appended;
	const known = new Set<number>();
	for (const page of data.pages) for (const m of page.messages) known.add(m.seq);
	const fresh = incoming.filter((m) => !known.has(m.seq));
	if (fresh.length === 0) return data;

	const buckets = new Map<number, ChatMessage[]>();
	for (const m of fresh) {
		let target = pageCount - 1;
		while (target > 0 && (data.pages[target]?.messages[0]?.seq ?? Number.POSITIVE_INFINITY) > m.seq) target--;
		buckets.set(target, [...(buckets.get(target) ?? []), m]);
	}
	const newest = Math.max(...fresh.map((m) => m.seq));
	const pages = data.pages.map((page, i) => {
		const add = buckets.get(i);
		const merged = add ? { ...page, messages: insertSorted(page.messages, add) } : page;
		return i === pageCount - 1 && newest > merged.latestSeq ? { ...merged, latestSeq: newest } : merged;
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
	const messages = [...last.messages, ...incoming];
	const pages = [...data.pages.slice(0, -1), { ...last, messages, latestSeq: Math.max(last.latestSeq, previous) }];
	return { ...data, pages };
}

/** Every cached message once, ascending by `seq` (pages may overlap after a refetch). */
export function flattenMessages(data: HistoryData | undefined): ChatMessage[] {
	if (!data) return [];
	const out: ChatMessage[] = [];
	let last = Number.NEGATIVE_INFINITY;
	const all = data.pages.flatMap((p) => p.messages);
	const sorted = all.every((m, i) => i === 0 || (all[i - 1]?.seq ?? 0) < m.seq)
		? all
		: [...all].sort((a, b) => a.seq - b.seq);
	for (const m of sorted) {
		if (m.seq === last) continue;
		out.push(m);
		last = m.seq;
	}
	return out;
}

/**
 * What the client holds, for `hello {since}`: the highest seq in the cache, or, when the cache
 * holds no message, the room's latest seq when the page was fetched (0 for an empty room). Null
 * only when nothing was loaded yet; then the room cannot replay, and the first page covers it.
 */
export function latestCachedSeq(data: HistoryData | undefined): number | null {
	const last = data?.pages.at(-1);
	if (!last) return null;
	return last.messages.at(-1)?.seq ?? last.latestSeq;
}

/**
 * The first hole in what the cache should hold. Room seqs are consecutive (pruning only removes
 * the oldest), so the cache should run without holes from its first message, or from the room's
 * oldest seq when nothing older is left to load (which covers a cache that held no message at
 * all), up to `knownLatest`, the highest seq the room said it has. A hole means messages were
 * missed and must be fetched.
 */
export function findGap(data: HistoryData | undefined, knownLatest = 0): { after: number; before: number } | null {
	const oldestPage = data?.pages[0];
	if (!data || !oldestPage) return null;
	const messages = flattenMessages(data);
	const first = messages[0]?.seq;
	let previous = !oldestPage.hasMore ? oldestPage.oldestSeq - 1 : first === undefined ? null : first - 1;
	if (previous === null) return null;
	for (const m of messages) {
		if (m.seq > previous + 1) return { after: previous, before: m.seq };
		previous = Math.max(previous, m.seq);
	}
	return knownLatest > previous ? { after: previous, before: knownLatest + 1 } : null;
}
