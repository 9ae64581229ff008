import { infiniteQueryOptions } from "@tanstack/solid-query";
import { HISTORY_DEFAULT_LIMIT, type HistoryPage, HistoryPageSchema } from "../../../api/protocol/http-api";
import { ApiRequestError, must, request } from "../../api-request";
import type { HistoryData } from "./message-cache";

export async function fetchHistoryPage(
	roomId: string,
	before: number | undefined,
	limit = HISTORY_DEFAULT_LIMIT,
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
