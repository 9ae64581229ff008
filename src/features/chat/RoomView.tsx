import { useQueryClient } from "@tanstack/solid-query";
import { Link, useNavigate } from "@tanstack/solid-router";
import { createEffect, createMemo, createSignal, Index, Match, on, onCleanup, Show, Switch, untrack } from "solid-js";
import type { RoomList } from "../../../api/protocol/http-api";
import { DEFAULT_ROOM_ID } from "../../../api/protocol/room-id";
import type { Author } from "../../../api/protocol/room-protocol";
import { ApiRequestError } from "../../api-request";
import { Button } from "../../components/ui/Button";
import { HashIcon, LockIcon } from "../../components/ui/Icons";
import { RoomName } from "../../components/ui/Names";
import { createQueryData } from "../../query-data";
import { sessionQueryKey } from "../auth/session-queries";
import { UserCard } from "../profile/UserCard";
import { RoomInfoPanel } from "../rooms/RoomInfoPanel";
import { markRead, roomListKey, roomListQuery } from "../rooms/room-queries";
import { setOpenRoomUnread } from "../rooms/title-count";
import { Composer } from "./Composer";
import { ConnectionBanner } from "./ConnectionBanner";
import { buildRows, type ChatRow, keepUnchangedRows } from "./chat-rows";
import { MessageList } from "./MessageList";
import { flattenMessages } from "./message-cache";
import { PresenceSummary, TypingLine } from "./RoomPresence";
import { createRoomHistory, type RoomHistory } from "./room-history";
import { createRoomSession } from "./room-session";

/** A short first connect is not worth a banner; a slow one is. */
const CONNECTING_BANNER_AFTER_MS = 1_500;
/** The read marker follows the reader after this pause, not on every message. */
const MARK_READ_AFTER_MS = 400;

/** A room, or, when it does not exist or is private to others, the same "not found" for both. */
export function RoomView(props: { roomId: string; me: Author; infoOpen: boolean; onInfo: (open: boolean) => void }) {
	const room = createRoomHistory(props.roomId);
	const history = room.query;
	const missing = () => history.error instanceof ApiRequestError && history.error.status === 404;
	return (
		<Show when={!missing()} fallback={<RoomNotFound roomId={props.roomId} />}>
			<RoomConversation
				roomId={props.roomId}
				me={props.me}
				history={room}
				infoOpen={props.infoOpen}
				onInfo={props.onInfo}
			/>
		</Show>
	);
}

function RoomNotFound(props: { roomId: string }) {
	return (
		<section
			class="flex flex-1 flex-col items-center justify-center gap-3 p-6 text-center"
			aria-labelledby="room-title"
		>
			<h1 id="room-title" class="text-lg font-semibold">
				Room not found
			</h1>
			<p class="max-w-sm text-sm text-zinc-600 dark:text-zinc-400">
				There is no room at /rooms/{props.roomId}, or it is private. If someone invited you, open their invite link.
			</p>
			<Link
				to="/rooms/$roomId"
				params={{ roomId: DEFAULT_ROOM_ID }}
				class="text-sm font-semibold text-indigo-600 underline dark:text-indigo-400"
			>
				Go to #{DEFAULT_ROOM_ID}
			</Link>
		</section>
	);
}

function RoomConversation(props: {
	roomId: string;
	me: Author;
	history: RoomHistory;
	infoOpen: boolean;
	onInfo: (open: boolean) => void;
}) {
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const { query: history, data: historyData } = props.history;
	// The sidebar polls the list; a second poller here would double the requests.
	const { data: roomList } = createQueryData(() => ({ ...roomListQuery, refetchInterval: false }));
	const summary = () => roomList()?.rooms.find((room) => room.id === props.roomId);
	// Where "New messages" goes: what was read when the room was opened. It stays put while the
	// reader reads on, as in most chat apps, until the room is opened again.
	const unreadAfter = untrack(
		() =>
			queryClient.getQueryData<RoomList>(roomListKey)?.rooms.find((room) => room.id === props.roomId)?.lastReadSeq ??
			null,
	);
	const [atEnd, setAtEnd] = createSignal(true);
	let infoButton: HTMLButtonElement | undefined;
	/** Whose profile card is open (a name in the list was clicked). */
	const [card, setCard] = createSignal<string | null>(null);
	const session = createRoomSession(
		() => props.roomId,
		props.me,
		() => {
			// The room closed the socket because the session ended: sign in again.
			queryClient.setQueryData(sessionQueryKey, null);
			void navigate({ to: "/sign-in", search: { redirect: `/rooms/${props.roomId}` } });
		},
		() => {
			// The user left this private room (here or on another device): it is gone for them.
			void queryClient.invalidateQueries({ queryKey: roomListKey });
			void navigate({ to: "/rooms/$roomId", params: { roomId: DEFAULT_ROOM_ID }, replace: true });
		},
	);
	const [sentCount, setSentCount] = createSignal(0);
	const [patient, setPatient] = createSignal(false);
	const timer = setTimeout(() => setPatient(true), CONNECTING_BANNER_AFTER_MS);
	onCleanup(() => clearTimeout(timer));

	const messages = createMemo(() => flattenMessages(historyData()));
	const rows = createMemo<ChatRow[]>((previous) =>
		keepUnchangedRows(
			buildRows(messages(), session.pending(), props.me, { olderToLoad: history.hasPreviousPage, unreadAfter }),
			previous,
		),
	);
	const latestSeq = () => messages().at(-1)?.seq ?? null;
	// Opening a public room joins it (the socket upgrade does): the sidebar should list it now.
	createEffect(
		on(
			() => session.connection() === "open",
			(open) => {
				if (open && !summary()?.member) void queryClient.invalidateQueries({ queryKey: roomListKey });
			},
		),
	);

	// Read means: connected (so a member), at the bottom of the list, in a visible tab.
	const [visible, setVisible] = createSignal(document.visibilityState === "visible");
	const onVisibility = () => setVisible(document.visibilityState === "visible");
	document.addEventListener("visibilitychange", onVisibility);
	onCleanup(() => document.removeEventListener("visibilitychange", onVisibility));
	let marked = unreadAfter ?? 0;
	let pendingMark: { seq: number; timer: ReturnType<typeof setTimeout> } | null = null;
	const flushMark = () => {
		if (!pendingMark) return;
		const { seq, timer } = pendingMark;
		clearTimeout(timer);
		pendingMark = null;
		const previous = marked;
		marked = Math.max(marked, seq);
		markRead(queryClient, props.roomId, seq).catch(() => {
			// Not recorded: let the next message (or return to the bottom) try again.
			marked = previous;
		});
	};
	// Leaving the room (or the page) right after reading still records what was read.
	onCleanup(flushMark);
	window.addEventListener("pagehide", flushMark);
	onCleanup(() => window.removeEventListener("pagehide", flushMark));
	createEffect(() => {
		const seq = latestSeq();
		if (seq === null || seq <= marked || !atEnd() || !visible() || session.connection() !== "open") return;
		if (pendingMark) clearTimeout(pendingMark.timer);
		pendingMark = { seq, timer: setTimeout(flushMark, MARK_READ_AFTER_MS) };
	});

	// Messages from others that arrived since the reader last saw the bottom of this room in a
	// visible tab: they count in the tab's title, as other rooms' unread do, until the reader is back.
	// What the room held when it loaded counts as seen: only what arrives after is news.
	let seenUpTo: number | null = null;
	const unseenHere = createMemo(() => {
		const list = messages();
		const newest = list.at(-1)?.seq ?? 0;
		if (seenUpTo === null) {
			if (history.isPending) return 0;
			seenUpTo = newest;
		}
		if (visible() && atEnd()) {
			seenUpTo = Math.max(seenUpTo, newest);
			return 0;
		}
		let count = 0;
		for (let i = list.length - 1; i >= 0; i--) {
			const m = list[i];
			if (!m || m.seq <= seenUpTo) break;
			if (m.author.id !== props.me.id) count++;
		}
		return count;
	});
	createEffect(() => setOpenRoomUnread(unseenHere()));
	onCleanup(() => setOpenRoomUnread(0));

	const bannerState = () => (session.connection() === "connecting" && !patient() ? "open" : session.connection());

	return (
		<div class="flex min-h-0 flex-1">
			<section class="flex min-h-0 min-w-0 flex-1 flex-col" aria-labelledby="room-title">
				<header class="flex h-12 shrink-0 items-center gap-3 border-b border-zinc-200 px-3 sm:px-4 dark:border-zinc-800">
					<h1 id="room-title" class="flex min-w-0 flex-1 items-center gap-1.5 text-base font-bold">
						<span class="text-zinc-600 dark:text-zinc-400">
							<Show when={summary()?.visibility === "private"} fallback={<HashIcon class="size-4" />}>
								<LockIcon class="size-4" />
							</Show>
						</span>
						<RoomName name={summary()?.name ?? props.roomId} id={props.roomId} />
					</h1>
					<PresenceSummary users={session.present()} />
					<Button
						ref={infoButton}
						variant="ghost"
						class="min-h-11 px-2 py-1 md:min-h-0"
						aria-label="Room info"
						aria-expanded={props.infoOpen}
						aria-controls="room-info"
						onClick={() => props.onInfo(!props.infoOpen)}
					>
						<span class="sm:hidden" aria-hidden="true">
							Info
						</span>
						<span class="hidden sm:inline">Room info</span>
					</Button>
				</header>
				<ConnectionBanner state={bannerState()} onReconnect={session.reconnect} />
				<Switch>
					<Match when={history.isPending && !historyData()}>
						<div class="flex flex-1 flex-col justify-end gap-4 p-4" aria-busy="true">
							<p class="sr-only">Loading messages…</p>
							<Index each={[0, 1, 2]}>
								{() => (
									<div class="flex animate-pulse gap-3">
										<div class="size-9 rounded-full bg-zinc-200 dark:bg-zinc-800" />
										<div class="flex-1 space-y-2">
											<div class="h-3 w-32 rounded bg-zinc-200 dark:bg-zinc-800" />
											<div class="h-3 w-3/4 rounded bg-zinc-200 dark:bg-zinc-800" />
										</div>
									</div>
								)}
							</Index>
						</div>
					</Match>
					<Match when={history.isError && !historyData()}>
						<div class="flex flex-1 flex-col items-center justify-center gap-3 p-6 text-center" role="alert">
							<p class="font-semibold">Messages could not be loaded.</p>
							<p class="text-sm text-zinc-600 dark:text-zinc-400">{history.error?.message}</p>
							<Button onClick={() => void history.refetch()}>Try again</Button>
						</div>
					</Match>
					<Match when={rows().length === 0}>
						<div class="flex flex-1 flex-col items-center justify-center gap-1 p-6 text-center">
							<p class="font-semibold">No messages yet</p>
							<p class="text-sm text-zinc-600 dark:text-zinc-400">
								Say hello to start the conversation in #{summary()?.name ?? props.roomId}.
							</p>
						</div>
					</Match>
					<Match when={rows().length > 0}>
						<MessageList
							rows={rows()}
							latestSeq={latestSeq()}
							hasOlder={history.hasPreviousPage}
							loadingOlder={history.isFetchingPreviousPage}
							onLoadOlder={() => void history.fetchPreviousPage()}
							onRetry={session.retry}
							onDiscard={session.discard}
							onAuthor={setCard}
							sentCount={sentCount()}
							onAtEndChange={setAtEnd}
						/>
					</Match>
				</Switch>
				<TypingLine users={session.typing()} />
				<Composer
					roomName={summary()?.name ?? props.roomId}
					limited={session.limited()}
					onInput={session.typed}
					onSend={(text) => {
						session.send(text);
						setSentCount((n) => n + 1);
					}}
				/>
			</section>
			<Show when={card()} keyed>
				{(userId) => <UserCard userId={userId} onClose={() => setCard(null)} />}
			</Show>
			<Show when={props.infoOpen}>
				<RoomInfoPanel
					roomId={props.roomId}
					present={session.present()}
					onClose={() => {
						props.onInfo(false);
						infoButton?.focus();
					}}
				/>
			</Show>
		</div>
	);
}
