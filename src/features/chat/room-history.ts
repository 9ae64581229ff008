import { useInfiniteQuery, useQueryClient } from "@tanstack/solid-query";
import { createSignal, onCleanup } from "solid-js";
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
	// Only status and paging flags notify: on a data change the adapter would otherwise copy the
	// whole history into its store (a deep walk of every loaded message) for each live message.
	const query = useInfiniteQuery(() => ({
		...roomHistoryQuery(roomId),
		notifyOnChangeProps: ["status", "error", "hasPreviousPage", "isFetchingPreviousPage", "isPending", "isError"],
	}));
	const key = roomHistoryKey(roomId);
	const read = () => queryClient.getQueryData<HistoryData>(key);
	const [data, setData] = createSignal(read(), { equals: false });
	const hash = JSON.stringify(key);
	const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
		if (event.query.queryHash === hash) setData(read);
	});
	onCleanup(unsubscribe);
	return { query, data };
}
