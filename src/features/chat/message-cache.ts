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

/** The highest `seq` in the cache, or null when it holds none. */
export function latestCachedSeq(data: HistoryData | undefined): number | null {
	const last = data?.pages.at(-1);
	if (!last) return null;
	const seq = last.messages.at(-1)?.seq;
	// An empty room still tells us where it stands, so a resume can start from there.
	return seq ?? (last.latestSeq > 0 ? last.latestSeq : null);
}

/**
 * The first hole in the cached run of seqs: room seqs are consecutive (pruning only removes the
 * oldest), so a hole means messages were missed and must be fetched.
 */
export function findGap(data: HistoryData | undefined): { after: number; before: number } | null {
	const messages = flattenMessages(data);
	for (let i = 1; i < messages.length; i++) {
		const prev = messages[i - 1]?.seq ?? 0;
		const next = messages[i]?.seq ?? 0;
		if (next > prev + 1) return { after: prev, before: next };
	}
	return null;
}
