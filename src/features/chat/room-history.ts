import { useInfiniteQuery, useQueryClient } from "@tanstack/solid-query";
import { createCacheSignal } from "../../query-data";
import type { HistoryData } from "./message-cache";
import { roomHistoryKey, roomHistoryQuery } from "./message-queries";

/**
 * The room's history query, with its data read straight from the query cache. Solid Query serves
 * `query.data` through a resource that re-enters its loading state on every cache write, and
 * under the router's Suspense boundary that detaches and re-attaches the whole page, which resets
 * the list's scroll position. A live chat writes the cache on every message, so the view reads
 * the cache through this signal instead and uses the query only for status and paging.
 */
export function createRoomHistory(roomId: string) {
	const queryClient = useQueryClient();
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

export type RoomHistory = ReturnType<typeof createRoomHistory>;
