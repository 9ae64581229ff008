import type { InfiniteData, QueryClient } from "@tanstack/solid-query";
import * as v from "valibot";
import { BOOT_ELEMENT_ID, BootDataSchema, type HistoryPage } from "../api/protocol/http-api";
import { sessionQuery } from "./features/auth/session-queries";
import { roomHistoryKey, roomWindowKey } from "./features/chat/message-queries";
import { roomListKey } from "./features/rooms/room-queries";

/**
 * Seeds the query cache from the data the Worker embedded in the page (api/first-screen.ts), so
 * the first render already has the session, the sidebar and the room's messages: no spinner, no
 * empty list. Returns false when the page carries none (`vite dev` before the Worker runs, or the
 * Worker could not read it), and the app asks the API as it always could.
 */
export function seedFromBoot(queryClient: QueryClient): boolean {
	const element = document.getElementById(BOOT_ELEMENT_ID);
	if (!element?.textContent) return false;
	element.remove();
	let parsed: v.SafeParseResult<typeof BootDataSchema>;
	try {
		parsed = v.safeParse(BootDataSchema, JSON.parse(element.textContent));
	} catch {
		return false;
	}
	if (!parsed.success) return false;
	const { me, rooms, history } = parsed.output;
	queryClient.setQueryData(sessionQuery.queryKey, me.user ? { ...me, user: me.user } : null);
	if (rooms) queryClient.setQueryData(roomListKey, rooms);
	if (history) {
		const data: InfiniteData<HistoryPage, unknown> =
			history.around === undefined
				? { pages: [history.page], pageParams: [undefined] }
				: { pages: [history.page], pageParams: [{ around: history.around }] };
		const key =
			history.around === undefined ? roomHistoryKey(history.roomId) : roomWindowKey(history.roomId, history.around);
		queryClient.setQueryData(key, data);
	}
	return true;
}
