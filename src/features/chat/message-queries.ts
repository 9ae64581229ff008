import { infiniteQueryOptions, type QueryClient } from "@tanstack/solid-query";
import { HISTORY_MAX_LIMIT, type HistoryPage, HistoryPageSchema } from "../../../api/protocol/http-api";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { ApiRequestError, must, request } from "../../api-request";
import { findGap, type HistoryData, mergeMessages } from "./message-cache";

export const HISTORY_PAGE_SIZE = 50;

export async function fetchHistoryPage(
	roomId: string,
	before: number | undefined,
	limit = HISTORY_PAGE_SIZE,
): Promise<HistoryPage> {
	const params = new URLSearchParams({ limit: String(limit) });
	if (before !== undefined) params.set("before", String(before));
	// A missing room (or a private one the user is not in) is an ApiRequestError with status 404.
	return must(request(`/api/rooms/${encodeURIComponent(roomId)}/messages?${params}`, HistoryPageSchema));
}

export const roomHistoryKey = (roomId: string) => ["rooms", roomId, "history"] as const;

/**
 * A room's history, paged backwards by `seq`: the first page is the latest, older pages are
 * prepended as the reader scrolls up. The socket keeps it current, so it is never stale by time.
 */
export const roomHistoryQuery = <TSelected = HistoryData>(
	roomId: string,
	select?: (history: HistoryData) => TSelected,
) =>
	infiniteQueryOptions({
		select,
		queryKey: roomHistoryKey(roomId),
		queryFn: ({ pageParam }) => fetchHistoryPage(roomId, pageParam),
		initialPageParam: undefined as number | undefined,
		getNextPageParam: () => undefined,
		getPreviousPageParam: (oldest) => (oldest.hasMore ? oldest.messages[0]?.seq : undefined),
		staleTime: Number.POSITIVE_INFINITY,
		// A room that is missing (or private to others) stays so; asking again only delays saying it.
		retry: (failures, error) => !(error instanceof ApiRequestError && error.status < 500) && failures < 1,
		refetchOnWindowFocus: false,
		refetchOnReconnect: false,
	});

/** How many recent pushes are kept to re-apply over a refetch that started before they arrived. */
const RECENT_LIMIT = 1_000;

/**
 * Merges live messages into the room's history cache and keeps it whole:
 * - a refetch that was in flight when a push arrived would overwrite the cache with its older
 *   snapshot (the known TanStack Query race), so recent pushes are re-applied after every
 *   successful fetch;
 * - a hole in the cached seqs is backfilled over HTTP, or, when it is larger than one page,
 *   the history is refetched from the latest page.
 */
export class LiveMerge {
	private recent: ChatMessage[] = [];
	private backfilling = false;
	private frame: number | undefined;
	/** The last gap asked for; if a backfill cannot close it (pruned meanwhile), it is not asked again. */
	private lastGap = "";
	private readonly unsubscribe: () => void;
	private readonly key: ReturnType<typeof roomHistoryKey>;
	private readonly queryClient: QueryClient;
	private readonly roomId: string;

	constructor(queryClient: QueryClient, roomId: string) {
		this.queryClient = queryClient;
		this.roomId = roomId;
		this.key = roomHistoryKey(roomId);
		this.unsubscribe = queryClient.getQueryCache().subscribe((event) => {
			if (event.type !== "updated" || event.action.type !== "success") return;
			if (event.query.queryHash !== JSON.stringify(this.key)) return;
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
		this.recent.push(...messages);
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

	private cancelFrame(): void {
		if (this.frame !== undefined) cancelAnimationFrame(this.frame);
		this.frame = undefined;
	}

	/** The room said our view cannot be repaired by replay: start over from the latest page. */
	async reset(): Promise<void> {
		this.recent = [];
		await this.queryClient.resetQueries({ queryKey: this.key, exact: true });
	}

	dispose(): void {
		this.cancelFrame();
		this.unsubscribe();
	}

	private apply(): void {
		const data = this.queryClient.getQueryData<HistoryData>(this.key);
		// Not loaded yet: the pushes wait in `recent` and are applied when the first page lands.
		if (!data) return;
		const merged = mergeMessages(data, this.recent);
		if (merged !== data) this.queryClient.setQueryData<HistoryData>(this.key, merged);
		void this.repairGap(merged);
	}

	private async repairGap(data: HistoryData): Promise<void> {
		const gap = findGap(data);
		if (!gap || this.backfilling) return;
		const gapKey = `${gap.after}-${gap.before}`;
		if (gapKey === this.lastGap) return;
		this.lastGap = gapKey;
		const missing = gap.before - gap.after - 1;
		if (missing > HISTORY_MAX_LIMIT) return this.reset();
		this.backfilling = true;
		try {
			const page = await fetchHistoryPage(this.roomId, gap.before, missing);
			this.push(page.messages);
		} catch {
			// Left for the next push or reconnect to try again.
		} finally {
			this.backfilling = false;
		}
	}
}
