import { infiniteQueryOptions, type QueryKey } from "@tanstack/solid-query";
import {
	EventsPageSchema,
	HISTORY_DEFAULT_LIMIT,
	type HistoryPage,
	HistoryPageSchema,
} from "../../../api/protocol/http-api";
import { ApiRequestError, must, request } from "../../api-request";
import type { HistoryData } from "./message-cache";

/** Which page: the newest (no anchor), or the page before, after or around a seq. */
export type PageAnchor = { before: number } | { after: number } | { around: number } | undefined;

export async function fetchHistoryPage(
	roomId: string,
	anchor: PageAnchor,
	limit = HISTORY_DEFAULT_LIMIT,
): Promise<HistoryPage> {
	const params = new URLSearchParams({ limit: String(limit) });
	for (const [name, seq] of Object.entries(anchor ?? {})) params.set(name, String(seq));
	// A missing room (or a private one the user is not in) is an ApiRequestError with status 404.
	return must(request(`/api/rooms/${encodeURIComponent(roomId)}/messages?${params}`, HistoryPageSchema));
}

/** The room's log after a seq, for a client that found a gap in what it was sent. */
export function fetchRoomEvents(roomId: string, after: number) {
	return must(request(`/api/rooms/${encodeURIComponent(roomId)}/events?after=${after}`, EventsPageSchema));
}

export const roomHistoryKey = (roomId: string) => ["rooms", roomId, "history"] as const;
/** Windows opened around one message (permalinks, a reply's parent), one per seq. */
export const roomWindowPrefix = (roomId: string) => ["rooms", roomId, "window"] as const;
export const roomWindowKey = (roomId: string, seq: number) => [...roomWindowPrefix(roomId), seq] as const;

/** Whether a query holds this room's messages (its history or a window). */
export function isRoomQuery(key: QueryKey, roomId: string): boolean {
	return key[0] === "rooms" && key[1] === roomId && (key[2] === "history" || key[2] === "window");
}

const settled = {
	staleTime: Number.POSITIVE_INFINITY,
	// A room that is missing (or private to others) stays so; asking again only delays saying it.
	retry: (failures: number, error: Error) => !(error instanceof ApiRequestError && error.status < 500) && failures < 1,
	refetchOnWindowFocus: false,
	refetchOnReconnect: false,
} as const;

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
		queryFn: ({ pageParam }) => fetchHistoryPage(roomId, pageParam === undefined ? undefined : { before: pageParam }),
		initialPageParam: undefined as number | undefined,
		getNextPageParam: () => undefined,
		getPreviousPageParam: (oldest) => (oldest.hasOlder ? oldest.messages[0]?.seq : undefined),
		...settled,
	});

/**
 * The history around one message, for a permalink or a jump to a reply's parent thousands of
 * messages back: it pages both ways, older as the reader scrolls up and newer as they scroll down,
 * and takes live messages at its end once it reaches the present.
 */
export const roomWindowQuery = <TSelected = HistoryData>(
	roomId: string,
	seq: number,
	select?: (history: HistoryData) => TSelected,
) =>
	infiniteQueryOptions({
		select,
		queryKey: roomWindowKey(roomId, seq),
		queryFn: ({ pageParam }) => fetchHistoryPage(roomId, pageParam),
		initialPageParam: { around: seq } as PageAnchor,
		getPreviousPageParam: (oldest): PageAnchor => {
			const first = oldest.messages[0]?.seq;
			return oldest.hasOlder && first !== undefined ? { before: first } : undefined;
		},
		getNextPageParam: (newest): PageAnchor => {
			const last = newest.messages.at(-1)?.seq;
			return newest.hasNewer && last !== undefined ? { after: last } : undefined;
		},
		...settled,
		// A window is for one visit; the main history is what stays.
		gcTime: 60_000,
	});
