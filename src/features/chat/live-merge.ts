import type { QueryClient } from "@tanstack/solid-query";
import { HISTORY_MAX_LIMIT, type HistoryPage } from "../../../api/protocol/http-api";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { findGap, type HistoryData, latestCachedSeq, mergeMessages } from "./message-cache";
import { fetchHistoryPage, roomHistoryKey } from "./message-queries";

/** How many recent pushes are kept to re-apply over a refetch that started before they arrived. */
const RECENT_LIMIT = 1_000;
/** A failed backfill is tried again after this long, doubling up to the cap, until the hole is filled. */
export const REPAIR_RETRY_MS = 500;
const REPAIR_RETRY_MAX_MS = 30_000;
/**
 * After `welcome`, how long the replay has to arrive before what is still missing is fetched over
 * HTTP: the replay follows the welcome at once, and fetching it as well would double every
 * reconnect (after a deploy, every client's).
 */
export const REPLAY_GRACE_MS = 1_000;

type FetchPage = (roomId: string, before: number | undefined, limit: number) => Promise<HistoryPage>;

/**
 * Merges live messages into the room's history cache and keeps it whole:
 * - a refetch that was in flight when a push arrived would overwrite the cache with its older
 *   snapshot (the known TanStack Query race), so recent pushes are re-applied after every
 *   successful fetch;
 * - a hole in the cached seqs (or between the cache and the latest seq the room announced) is
 *   backfilled over HTTP, retried with backoff until it is filled; when it is larger than one
 *   page, or a backfill comes back without it (pruned meanwhile), history restarts from the
 *   latest page.
 */
export class LiveMerge {
	private recent: ChatMessage[] = [];
	/** Pushed since the last apply. */
	private sinceApply: ChatMessage[] = [];
	/**
	 * The cache is known to hold every seq up to here without a hole (null: not checked since the
	 * last fetch). A push that continues the run from here needs no look at the rest of the history.
	 */
	private gapFreeUpTo: number | null = null;
	/** The highest seq the room said it has (welcome, pushes); the cache must reach it. */
	private knownLatest = 0;
	private backfilling = false;
	private retryMs = REPAIR_RETRY_MS;
	private retryTimer: ReturnType<typeof setTimeout> | undefined;
	private frame: number | undefined;
	private graceTimer: ReturnType<typeof setTimeout> | undefined;
	private disposed = false;
	private readonly unsubscribe: () => void;
	private readonly key: ReturnType<typeof roomHistoryKey>;

	constructor(
		private readonly queryClient: QueryClient,
		private readonly roomId: string,
		private readonly fetchPage: FetchPage = fetchHistoryPage,
	) {
		this.key = roomHistoryKey(roomId);
		this.unsubscribe = queryClient.getQueryCache().subscribe((event) => {
			// Fetches only: this class's own cache writes (setQueryData, `manual`) are already merged.
			if (event.type !== "updated" || event.action.type !== "success" || event.action.manual) return;
			if (event.query.queryHash !== JSON.stringify(this.key)) return;
			// A fetched page may hold anything: the whole cache is checked again.
			this.gapFreeUpTo = null;
			// Deferred: the cache notifies while it is still committing this result.
			queueMicrotask(() => this.apply());
		});
	}

	/**
	 * Adds messages to the cache. Broadcasts are applied once per animation frame: a busy room
	 * can push hundreds a second, and one cache write (and list update) per frame is all the
	 * screen can show. `now` is for this user's own acks, whose pending row is removed at once.
	 */
	push(messages: ChatMessage[], options: { now?: boolean } = {}): void {
		for (const m of messages) this.knownLatest = Math.max(this.knownLatest, m.seq);
		this.recent.push(...messages);
		this.sinceApply.push(...messages);
		if (this.recent.length > RECENT_LIMIT) this.recent = this.recent.slice(-RECENT_LIMIT);
		const canWait = typeof requestAnimationFrame === "function" && document.visibilityState === "visible";
		if (options.now || !canWait) {
			this.cancelFrame();
			this.apply();
			return;
		}
		this.frame ??= requestAnimationFrame(() => {
			this.frame = undefined;
			this.apply();
		});
	}

	/**
	 * The room's latest seq as it said in `welcome`: whatever the cache still lacks up to it once
	 * the replay had its moment is fetched.
	 */
	known(latestSeq: number): void {
		if (latestSeq <= this.knownLatest) return;
		this.knownLatest = latestSeq;
		clearTimeout(this.graceTimer);
		this.graceTimer = setTimeout(() => this.apply(), REPLAY_GRACE_MS);
	}

	/**
	 * Start over from the latest page: the room said our view cannot be repaired by replay, with its
	 * latest seq, which may be lower than what we saw (its storage was reset): that is the target now.
	 */
	async reset(latestSeq?: number): Promise<void> {
		this.recent = [];
		this.sinceApply = [];
		this.gapFreeUpTo = null;
		this.stopRetry();
		if (latestSeq !== undefined) this.knownLatest = latestSeq;
		await this.queryClient.resetQueries({ queryKey: this.key, exact: true });
	}

	dispose(): void {
		this.disposed = true;
		clearTimeout(this.graceTimer);
		this.cancelFrame();
		this.stopRetry();
		this.unsubscribe();
	}

	private cancelFrame(): void {
		if (this.frame !== undefined) cancelAnimationFrame(this.frame);
		this.frame = undefined;
	}

	private stopRetry(): void {
		clearTimeout(this.retryTimer);
		this.retryTimer = undefined;
		this.retryMs = REPAIR_RETRY_MS;
	}

	private apply(): void {
		if (this.disposed) return;
		const data = this.queryClient.getQueryData<HistoryData>(this.key);
		// Not loaded yet: the pushes wait in `recent` and are applied when the first page lands.
		if (!data) return;
		const merged = mergeMessages(data, this.recent);
		if (merged !== data) this.queryClient.setQueryData<HistoryData>(this.key, merged);
		const fresh = this.sinceApply;
		this.sinceApply = [];
		// The common case, live pushes that continue the run: nothing else in the history changed,
		// so it is not walked again (a 100k-message cache, every frame of a busy room).
		const runEnd = this.gapFreeUpTo === null ? null : continuesRun(fresh, this.gapFreeUpTo);
		if (runEnd !== null) {
			this.gapFreeUpTo = runEnd;
			if (this.knownLatest <= runEnd) return;
		}
		void this.repairGap();
	}

	private async repairGap(): Promise<void> {
		// A scheduled retry will look again; a backfill in flight re-checks when it lands.
		if (this.backfilling || this.retryTimer !== undefined) return;
		const current = this.queryClient.getQueryData<HistoryData>(this.key);
		const gap = findGap(current, this.knownLatest);
		if (!gap) {
			this.retryMs = REPAIR_RETRY_MS;
			this.gapFreeUpTo = current ? latestCachedSeq(current) : null;
			return;
		}
		const missing = gap.before - gap.after - 1;
		if (missing > HISTORY_MAX_LIMIT) return this.reset();
		this.backfilling = true;
		let page: HistoryPage | null = null;
		try {
			page = await this.fetchPage(this.roomId, gap.before, missing);
		} catch {
			// The network or the server failed: try again later, backing off, until the hole is filled.
		} finally {
			this.backfilling = false;
		}
		if (this.disposed) return;
		if (!page) {
			const wait = this.retryMs;
			this.retryMs = Math.min(REPAIR_RETRY_MAX_MS, this.retryMs * 2);
			this.retryTimer = setTimeout(() => {
				this.retryTimer = undefined;
				void this.repairGap();
			}, wait);
			return;
		}
		this.retryMs = REPAIR_RETRY_MS;
		this.recent.push(...page.messages);
		const data = this.queryClient.getQueryData<HistoryData>(this.key);
		if (data) this.queryClient.setQueryData<HistoryData>(this.key, mergeMessages(data, page.messages));
		const still = findGap(this.queryClient.getQueryData<HistoryData>(this.key), this.knownLatest);
		// The room no longer has what fell into the hole (pruned since): only a fresh start is whole.
		if (still && still.after === gap.after && still.before === gap.before) return this.reset();
		if (still) return this.repairGap();
	}
}

/**
 * If `messages` add nothing but the seqs right after `upTo` (in any order, duplicates of what is
 * already held allowed), the new end of the run; otherwise null (something may be missing).
 */
function continuesRun(messages: readonly ChatMessage[], upTo: number): number | null {
	const fresh = messages.map((m) => m.seq).filter((seq) => seq > upTo);
	if (fresh.length === 0) return upTo;
	fresh.sort((a, b) => a - b);
	let end = upTo;
	for (const seq of fresh) {
		if (seq === end) continue;
		if (seq !== end + 1) return null;
		end = seq;
	}
	return end;
}
