import type { QueryClient } from "@tanstack/solid-query";
import { type Accessor, createEffect, createMemo, createSignal, onCleanup } from "solid-js";
import { mentionsUser } from "../../../api/protocol/mentions";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { markRead } from "../rooms/room-queries";
import { setOpenRoomMentions, setOpenRoomUnread } from "../rooms/title-count";

/** The read marker follows the reader after this pause, not on every message. */
const MARK_READ_AFTER_MS = 400;

/** Whether the tab is visible, as a signal. */
export function createVisibility(): Accessor<boolean> {
	const [visible, setVisible] = createSignal(document.visibilityState === "visible");
	const onVisibility = () => setVisible(document.visibilityState === "visible");
	document.addEventListener("visibilitychange", onVisibility);
	onCleanup(() => document.removeEventListener("visibilitychange", onVisibility));
	return visible;
}

/**
 * Moves the user's read marker to the newest message while they can see it: connected (so a
 * member), at the bottom of the live list, in a visible tab. Batched a moment, and flushed when
 * the room or the page is left, so reading and leaving at once still counts.
 */
export function createReadMarker(options: {
	queryClient: QueryClient;
	roomId: string;
	newest: Accessor<ChatMessage | undefined>;
	readable: Accessor<boolean>;
	markedFrom: number;
}): void {
	let marked = options.markedFrom;
	let pending: { seq: number; n: number; timer: ReturnType<typeof setTimeout> } | null = null;
	const flush = () => {
		if (!pending) return;
		const { seq, n, timer } = pending;
		clearTimeout(timer);
		pending = null;
		const previous = marked;
		marked = Math.max(marked, seq);
		markRead(options.queryClient, options.roomId, { seq, n }).catch(() => {
			// Not recorded: let the next message (or return to the bottom) try again.
			marked = previous;
		});
	};
	onCleanup(flush);
	window.addEventListener("pagehide", flush);
	onCleanup(() => window.removeEventListener("pagehide", flush));
	createEffect(() => {
		const newest = options.newest();
		if (!newest || newest.seq <= marked || !options.readable()) return;
		if (pending) clearTimeout(pending.timer);
		pending = { seq: newest.seq, n: newest.n, timer: setTimeout(flush, MARK_READ_AFTER_MS) };
	});
}

/**
 * Messages from others that arrived since the reader last saw the bottom of this room in a
 * visible tab: they count in the tab's title, as other rooms' unread do, until the reader is back.
 * What the room held when it loaded counts as seen: only what arrives after is news.
 */
export function trackUnseen(options: {
	messages: Accessor<ChatMessage[]>;
	loading: Accessor<boolean>;
	seeing: Accessor<boolean>;
	meId: string;
}): void {
	let seenUpTo: number | null = null;
	const unseen = createMemo(() => {
		const list = options.messages();
		const newest = list.at(-1)?.seq ?? 0;
		if (seenUpTo === null) {
			if (options.loading()) return { count: 0, mentions: 0 };
			seenUpTo = newest;
		}
		if (options.seeing()) {
			seenUpTo = Math.max(seenUpTo, newest);
			return { count: 0, mentions: 0 };
		}
		let count = 0;
		let mentions = 0;
		for (let i = list.length - 1; i >= 0; i--) {
			const m = list[i];
			if (!m || m.seq <= seenUpTo) break;
			if (m.author.id !== options.meId) count++;
			if (mentionsUser(m, options.meId)) mentions++;
		}
		return { count, mentions };
	});
	createEffect(() => {
		setOpenRoomUnread(unseen().count);
		setOpenRoomMentions(unseen().mentions);
	});
	onCleanup(() => {
		setOpenRoomUnread(0);
		setOpenRoomMentions(0);
	});
}
