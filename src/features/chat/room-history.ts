import { useInfiniteQuery, useQueryClient } from "@tanstack/solid-query";
import { createCacheSignal } from "../../query-data";
import type { HistoryData } from "./message-cache";
import { roomHistoryKey, roomHistoryQuery, roomWindowKey, roomWindowQuery } from "./message-queries";

/** A cached history older than this is refreshed when the room is entered again. */
const STALE_ON_ENTRY_MS = 2_000;

/**
 * The room's history query, with its data read straight from the query cache. Solid Query serves
 * `query.data` through a resource that re-enters its loading state on every cache write, and
 * under the router's Suspense boundary that detaches and re-attaches the whole page, which resets
 * the list's scroll position. A live chat writes the cache on every message, so the view reads
 * the cache through this signal instead and uses the query only for status and paging.
 */
export function createRoomHistory(roomId: string) {
	const queryClient = useQueryClient();
	refreshOnEntry(queryClient, roomId);
	// The adapter keeps its result in a Solid store and deep-walks it on every update, which for
	// a 100k-message history costs more than the page being loaded: so the query's own `data` is
	// reduced to a page count, and only status and paging flags notify.
	const query = useInfiniteQuery(() => ({
		...roomHistoryQuery(roomId, (history) => history.pages.length),
		notifyOnChangeProps: ["status", "error", "hasPreviousPage", "isFetchingPreviousPage", "isPending", "isError"],
	}));
	const data = createCacheSignal<HistoryData>(queryClient, roomHistoryKey(roomId));
	return { query, data };
}

/**
 * Coming back to a room whose history was cached on an earlier visit: whatever was posted while
 * the reader was elsewhere is not in it (no socket was open). The socket's `hello` replays it, and
 * the newest page is fetched again as well, alone: older pages are dropped rather than refetched
 * one by one, and load again as the reader scrolls up.
 */
function refreshOnEntry(queryClient: ReturnType<typeof useQueryClient>, roomId: string): void {
	const key = roomHistoryKey(roomId);
	const state = queryClient.getQueryState(key);
	if (!state?.data || Date.now() - state.dataUpdatedAt < STALE_ON_ENTRY_MS) return;
	queryClient.setQueryData<HistoryData>(key, (data) =>
		data && data.pages.length > 1 ? { pages: data.pages.slice(-1), pageParams: data.pageParams.slice(-1) } : data,
	);
	void queryClient.refetchQueries({ queryKey: key, exact: true });
}

export type RoomHistory = ReturnType<typeof createRoomHistory>;

/**
 * The history around one message (a permalink, a reply's parent), read the same way as the room's
 * history: status and paging flags from the query, data straight from the cache.
 */
export function createRoomWindow(roomId: string, seq: number) {
	const queryClient = useQueryClient();
	const query = useInfiniteQuery(() => ({
		...roomWindowQuery(roomId, seq, (history) => history.pages.length),
		notifyOnChangeProps: [
			"status",
			"error",
			"hasPreviousPage",
			"isFetchingPreviousPage",
			"hasNextPage",
			"isFetchingNextPage",
			"isPending",
			"isError",
		],
	}));
	const data = createCacheSignal<HistoryData>(queryClient, roomWindowKey(roomId, seq));
	return { query, data };
}
