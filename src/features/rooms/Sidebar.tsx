import { useQueryClient } from "@tanstack/solid-query";
import { Link, useNavigate } from "@tanstack/solid-router";
import { createEffect, createMemo, createSignal, For, onCleanup, Show } from "solid-js";
import type { RoomList, RoomSummary } from "../../../api/protocol/http-api";
import { BellOffIcon, HashIcon, LockIcon } from "../../components/ui/Icons";
import { RoomName } from "../../components/ui/Names";
import { createQueryData } from "../../query-data";
import { sameKeys } from "../../same-keys";
import { sessionAlive } from "../auth/session-queries";
import {
	alertMention,
	enableNotifications,
	knownMention,
	notificationPermission,
	notificationsSupported,
	onNotificationClick,
	setMutedRooms,
} from "../notifications/desktop-notifications";
import { SearchBox } from "../search/SearchBox";
import { InboxSocket, inboxSocketUrl } from "./inbox-socket";
import { NewRoomDialog } from "./NewRoomDialog";
import { applyInboxFrame, LatestSeen, listOutOfDate } from "./room-list-live";
import { roomListKey, roomListQuery } from "./room-queries";
import { openRoomMentions, openRoomUnread } from "./title-count";

function RoomLink(props: { room: RoomSummary; current: boolean; onNavigate: () => void }) {
	// The open room is being read as messages arrive; a badge there would only flicker.
	// A muted room keeps quiet about plain unread; a mention of the reader still shows.
	const unread = () => (props.current || props.room.muted ? 0 : props.room.unread);
	const mentions = () => (props.current ? 0 : props.room.mentions);
	return (
		<li>
			<Link
				to="/rooms/$roomId"
				params={{ roomId: props.room.id }}
				onClick={props.onNavigate}
				aria-current={props.current ? "page" : undefined}
				data-current={props.current ? "" : undefined}
				// 44 px tall on phones (a finger), denser from md up (a pointer). A class string, not
				// classList: the router's Link sets its own classes and drops a classList.
				class={`flex min-h-11 items-center gap-2 rounded-md border-l-4 px-2 py-1.5 text-sm md:min-h-8 ${
					props.current
						? "border-indigo-600 bg-indigo-100 font-semibold text-indigo-950 dark:border-indigo-400 dark:bg-indigo-950 dark:text-white"
						: `border-transparent hover:bg-zinc-200/70 dark:hover:bg-zinc-800 ${
								unread() > 0 || mentions() > 0
									? "font-semibold text-zinc-950 dark:text-white"
									: "text-zinc-700 dark:text-zinc-300"
							}`
				}`}
			>
				<span class="grid w-4 shrink-0 place-items-center text-zinc-600 dark:text-zinc-400">
					<Show when={props.room.visibility === "private"} fallback={<HashIcon />}>
						<LockIcon />
					</Show>
				</span>
				<RoomName name={props.room.name} id={props.room.id} class="flex-1" />
				<Show when={props.room.visibility === "private"}>
					<span class="sr-only">(private)</span>
				</Show>
				<Show when={props.room.muted}>
					<span class="text-zinc-500 dark:text-zinc-400" title="Muted">
						<BellOffIcon />
						<span class="sr-only">(muted)</span>
					</span>
				</Show>
				<Show when={mentions() > 0}>
					<span
						class="rounded-full bg-amber-500 px-1.5 py-0.5 text-xs leading-none font-bold text-zinc-950"
						data-testid="mention-badge"
					>
						@{mentions() > 99 ? "99+" : mentions()}
						<span class="sr-only"> {mentions() === 1 ? "mention" : "mentions"}</span>
					</span>
				</Show>
				<Show when={unread() > 0}>
					<span
						class="rounded-full bg-indigo-600 px-1.5 py-0.5 text-xs leading-none font-semibold text-white"
						data-testid="unread-badge"
					>
						{unread() > 99 ? "99+" : unread()}
						<span class="sr-only"> unread</span>
					</span>
				</Show>
			</Link>
		</li>
	);
}

/**
 * Rows keyed by room id, not by room object: every fetch or push makes new objects, and keying by
 * them rebuilt every row (dropping the keyboard focus on its link) each time the list was asked
 * for again. A row reads its room's latest object by id.
 */
function RoomLinks(props: {
	ids: string[];
	byId: Map<string, RoomSummary>;
	currentRoomId: string | null;
	onNavigate: () => void;
}) {
	return (
		<For each={props.ids}>
			{(id) => (
				<Show when={props.byId.get(id)}>
					{(room) => <RoomLink room={room()} current={id === props.currentRoomId} onNavigate={props.onNavigate} />}
				</Show>
			)}
		</For>
	);
}

/** The tab title follows unread counts at most this often. */
const TITLE_EVERY_MS = 1_000;

/** The rooms the user is in, with unread counts, and public rooms to browse. */
export function Sidebar(props: { currentRoomId: string | null; onNavigate: () => void }) {
	const { query: rooms, data } = createQueryData(() => roomListQuery);
	const queryClient = useQueryClient();
	// What happens in the user's other rooms is pushed here, at most once a second per room.
	const seen = new LatestSeen();
	const inbox = new InboxSocket(inboxSocketUrl(), {
		onFrame: (frame) => {
			seen.note(frame);
			const list = queryClient.getQueryData<RoomList>(roomListKey);
			if (!list) return;
			if (listOutOfDate(list, frame)) void queryClient.invalidateQueries({ queryKey: roomListKey });
			else queryClient.setQueryData<RoomList>(roomListKey, applyInboxFrame(list, frame));
		},
		onConnected: () => void queryClient.invalidateQueries({ queryKey: roomListKey }),
		sessionAlive: () => sessionAlive(queryClient),
	});
	onCleanup(() => inbox.close());
	// A list fetched from D1 may trail what the inbox already said: bring it up to that.
	createEffect(() => {
		const list = data();
		if (!list) return;
		const caughtUp = seen.applyTo(list);
		if (caughtUp !== list) queryClient.setQueryData<RoomList>(roomListKey, caughtUp);
	});
	const joined = () => data()?.rooms.filter((room) => room.member) ?? [];
	const browse = () => data()?.rooms.filter((room) => !room.member) ?? [];
	// What the rows are keyed by, and what each reads its room from (RoomLinks).
	const byId = createMemo(() => new Map((data()?.rooms ?? []).map((room) => [room.id, room])));
	const joinedIds = createMemo(() => joined().map((room) => room.id), [], { equals: sameKeys });
	const browseIds = createMemo(() => browse().map((room) => room.id), [], { equals: sameKeys });
	const [creating, setCreating] = createSignal(false);

	// Unread shows in the tab's title too, for a reader in another tab: other rooms from the room
	// list, the open one from what arrived while this tab was hidden. Written at most once a
	// second, and only when it changed: each write costs the browser a title update (measured at
	// a third of the frame rate in a busy room when written per message).
	let titleTimer: ReturnType<typeof setTimeout> | undefined;
	let wanted = "Parlor";
	const writeTitle = () => {
		titleTimer = undefined;
		if (document.title !== wanted) document.title = wanted;
	};
	createEffect(() => {
		const others = joined().filter((room) => room.id !== props.currentRoomId);
		const elsewhere = others.reduce((sum, room) => sum + (room.muted ? 0 : room.unread), 0);
		const total = elsewhere + openRoomUnread();
		// Mentions first and apart: "(@2 · 5) Parlor" says someone wants this reader.
		const mentioned = others.reduce((sum, room) => sum + room.mentions, 0) + openRoomMentions();
		const counts = [mentioned > 0 ? `@${mentioned}` : "", total > 0 ? String(total) : ""].filter(Boolean).join(" · ");
		wanted = counts ? `(${counts}) Parlor` : "Parlor";
		titleTimer ??= setTimeout(writeTitle, TITLE_EVERY_MS);
	});
	// Mentions in other rooms come with the room list: a newer mention there than last time is
	// news (the first list only tells what is already known). The open room tells its own, live.
	const navigate = useNavigate();
	onNotificationClick((roomId, seq) => {
		if (seq === null) void navigate({ to: "/rooms/$roomId", params: { roomId } });
		else void navigate({ to: "/rooms/$roomId/m/$seq", params: { roomId, seq } });
	});
	let listSeen = false;
	createEffect(() => {
		const rooms = joined();
		if (!data()) return;
		setMutedRooms(rooms.filter((room) => room.muted).map((room) => room.id));
		for (const room of rooms) {
			const seq = room.latestMentionSeq;
			if (seq === null || room.mentions === 0) continue;
			const key = `${room.id}:seq:${seq}`;
			if (!listSeen || room.id === props.currentRoomId) knownMention(key);
			else alertMention({ roomId: room.id, roomName: room.name, seq, author: null, text: null, key });
		}
		listSeen = true;
	});

	onCleanup(() => {
		clearTimeout(titleTimer);
		document.title = "Parlor";
	});

	return (
		<nav
			aria-label="Rooms"
			class="flex h-full w-72 flex-col gap-4 overflow-y-auto bg-zinc-50 p-3 md:w-64 dark:bg-zinc-900"
		>
			<SearchBox id="search-drawer" class="sm:hidden" />
			<div>
				<div class="flex items-center justify-between px-2 pb-1">
					<h2 class="text-xs font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400">Your rooms</h2>
					<button
						type="button"
						class="grid size-11 place-items-center rounded-md text-lg leading-none text-zinc-600 hover:bg-zinc-200 md:size-8 dark:text-zinc-300 dark:hover:bg-zinc-800"
						aria-label="New room"
						onClick={() => setCreating(true)}
					>
						+
					</button>
				</div>
				<ul class="space-y-0.5">
					<RoomLinks
						ids={joinedIds()}
						byId={byId()}
						currentRoomId={props.currentRoomId}
						onNavigate={props.onNavigate}
					/>
				</ul>
				<Show when={rooms.isSuccess && joined().length === 0}>
					<p class="px-2 text-sm text-zinc-600 dark:text-zinc-400">Open a room below, or make one.</p>
				</Show>
			</div>
			<Show when={browse().length > 0}>
				{/* Folded by default, as "Browse channels" is elsewhere: a busy instance has many public rooms. */}
				<details class="group">
					<summary class="flex min-h-11 cursor-pointer items-center rounded-md px-2 text-xs font-semibold tracking-wide text-zinc-600 uppercase select-none hover:text-zinc-800 md:min-h-8 dark:text-zinc-400 dark:hover:text-zinc-200">
						Browse public rooms ({browse().length})
					</summary>
					<ul class="mt-1 space-y-0.5" aria-label="Public rooms you have not joined">
						<RoomLinks
							ids={browseIds()}
							byId={byId()}
							currentRoomId={props.currentRoomId}
							onNavigate={props.onNavigate}
						/>
					</ul>
				</details>
			</Show>
			<Show when={notificationsSupported() && notificationPermission() === "default"}>
				<button
					type="button"
					class="mt-auto min-h-11 rounded-md px-2 text-left text-sm text-indigo-700 underline hover:text-indigo-900 md:min-h-8 dark:text-indigo-300"
					onClick={() => void enableNotifications()}
				>
					Enable notifications
				</button>
			</Show>
			<NewRoomDialog open={creating()} onClose={() => setCreating(false)} onCreated={props.onNavigate} />
		</nav>
	);
}
