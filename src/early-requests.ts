import type { QueryClient } from "@tanstack/solid-query";
import { roomOfPath } from "../api/protocol/room-id";
import { sessionQuery } from "./features/auth/session-queries";
import { roomHistoryQuery } from "./features/chat/message-queries";
import { roomListQuery } from "./features/rooms/room-queries";

/**
 * Starts the first screen's requests with the app's first line of JavaScript, while the route's
 * code is still loading; the route's loaders pick up the requests already in flight. The room
 * list and history wait for the session: a signed-out visitor would only get 401s for them,
 * which the browser logs as errors.
 */
export function startEarlyRequests(queryClient: QueryClient, pathname: string): void {
	void queryClient.fetchQuery(sessionQuery).then(
		(me) => {
			if (me) startSignedInRequests(queryClient, pathname);
		},
		() => undefined,
	);
}

function startSignedInRequests(queryClient: QueryClient, pathname: string): void {
	if (pathname !== "/sign-in") void queryClient.prefetchQuery(roomListQuery);
	// A permalink opens its own window of history, which its route asks for.
	const target = roomOfPath(pathname);
	if (target && target.around === undefined) void queryClient.prefetchInfiniteQuery(roomHistoryQuery(target.roomId));
}
