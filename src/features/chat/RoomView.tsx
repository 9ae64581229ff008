import { useQueryClient } from "@tanstack/solid-query";
import { Link, useNavigate } from "@tanstack/solid-router";
import { createEffect, createMemo, createSignal, on, onCleanup, Show, untrack } from "solid-js";
import type { RoomList } from "../../../api/protocol/http-api";
import { type ReplyPreview, replyExcerpt } from "../../../api/protocol/message-events";
import { DEFAULT_ROOM_ID } from "../../../api/protocol/room-id";
import type { Author, ChatMessage } from "../../../api/protocol/room-protocol";
import { ApiRequestError } from "../../api-request";
import { Button } from "../../components/ui/Button";
import { HashIcon, LockIcon } from "../../components/ui/Icons";
import { RoomName } from "../../components/ui/Names";
import { createQueryData } from "../../query-data";
import { sessionQueryKey } from "../auth/session-queries";
import { alertMention } from "../notifications/desktop-notifications";
import { UserCard } from "../profile/UserCard";
import { MuteButton } from "../rooms/MuteButton";
import { RoomInfoPanel } from "../rooms/RoomInfoPanel";
import { roomListKey, roomListQuery } from "../rooms/room-queries";
import { Composer, type Editing } from "./Composer";
import { ConnectionBanner } from "./ConnectionBanner";
import { EmojiPicker } from "./EmojiPicker";
import { LiveList, WindowList } from "./HistoryLists";
import type { MessageActions } from "./message-actions";
import { flattenMessages } from "./message-cache";
import { DeleteDialog, VersionsDialog } from "./message-dialogs";
import { PresenceSummary, TypingLine } from "./RoomPresence";
import { createReadMarker, createVisibility, trackUnseen } from "./read-state";
import { rememberEmoji } from "./recent-emoji";
import { createRoomHistory, type RoomHistory } from "./room-history";
import { createRoomSession } from "./room-session";

/** A short first connect is not worth a banner; a slow one is. */
const CONNECTING_BANNER_AFTER_MS = 1_500;

type RoomProps = {
	roomId: string;
	me: Author;
	/** The message a permalink opened the room at; null for the live end. */
	anchor: number | null;
	/** Go to a message (a permalink) or, with null, to the live end. */
	onAnchor: (seq: number | null) => void;
	infoOpen: boolean;
	onInfo: (open: boolean) => void;
};

/** A room, or, when it does not exist or is private to others, the same "not found" for both. */
export function RoomView(props: RoomProps) {
	const room = createRoomHistory(props.roomId);
	const history = room.query;
	const missing = () => history.error instanceof ApiRequestError && history.error.status === 404;
	return (
		<Show when={!missing()} fallback={<RoomNotFound roomId={props.roomId} />}>
			<RoomConversation {...props} history={room} />
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

const previewOf = (message: ChatMessage): ReplyPreview => ({
	id: message.id,
	seq: message.seq,
	authorName: message.author.name,
	excerpt: replyExcerpt(message.text),
	deleted: false,
});

function RoomConversation(props: RoomProps & { history: RoomHistory }) {
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const { query: history, data: historyData } = props.history;
	const { data: roomList } = createQueryData(() => roomListQuery);
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
	const [editing, setEditing] = createSignal<Editing | null>(null);
	const [replyingTo, setReplyingTo] = createSignal<ReplyPreview | null>(null);
	const [picker, setPicker] = createSignal<{ message: ChatMessage; anchor: DOMRect } | null>(null);
	const [deleting, setDeleting] = createSignal<ChatMessage | null>(null);
	const [versionsOf, setVersionsOf] = createSignal<ChatMessage | null>(null);
	const [toast, setToast] = createSignal<string | null>(null);
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
		(message) =>
			alertMention({
				roomId: props.roomId,
				roomName: summary()?.name ?? props.roomId,
				seq: message.seq,
				author: message.author,
				text: message.text,
				// The same key as a mention the room list reports: one notification, whichever path is first.
				key: `${props.roomId}:seq:${message.seq}`,
			}),
	);
	const [sentCount, setSentCount] = createSignal(0);
	const [patient, setPatient] = createSignal(false);
	const timer = setTimeout(() => setPatient(true), CONNECTING_BANNER_AFTER_MS);
	onCleanup(() => clearTimeout(timer));
	let toastTimer: ReturnType<typeof setTimeout> | undefined;
	const showToast = (text: string) => {
		setToast(text);
		clearTimeout(toastTimer);
		toastTimer = setTimeout(() => setToast(null), 3_000);
	};
	onCleanup(() => clearTimeout(toastTimer));

	const liveMessages = createMemo(() => flattenMessages(historyData()));
	const canModerate = () => session.role() !== "member";
	const actions: MessageActions = {
		meId: props.me.id,
		canModerate,
		onRetry: session.retry,
		onDiscard: session.discard,
		onAuthor: setCard,
		onReact: (message, emoji, on) => {
			if (on) rememberEmoji(emoji);
			session.react(message.id, emoji, on);
		},
		onPickReaction: (message, anchor) => setPicker({ message, anchor }),
		onReply: (message) => {
			setEditing(null);
			setReplyingTo(previewOf(message));
		},
		onEdit: (message) => {
			setReplyingTo(null);
			setEditing({ id: message.id, text: message.text, mentions: message.mentions });
		},
		onDelete: setDeleting,
		onCopyLink: (message) => {
			const url = `${window.location.origin}/rooms/${props.roomId}/m/${message.seq}`;
			navigator.clipboard
				?.writeText(url)
				.then(() => showToast("Link copied."))
				.catch(() => showToast(url));
		},
		onVersions: setVersionsOf,
		onJump: (seq) => props.onAnchor(seq),
	};

	// Opening a public room joins it (the socket upgrade does): the sidebar should list it now.
	createEffect(
		on(
			() => session.connection() === "open",
			(open) => {
				if (open && !summary()?.member) void queryClient.invalidateQueries({ queryKey: roomListKey });
			},
		),
	);
	const visible = createVisibility();
	const seeingLiveEnd = () => props.anchor === null && atEnd() && visible();
	createReadMarker({
		queryClient,
		roomId: props.roomId,
		newest: () => liveMessages().at(-1),
		readable: () => seeingLiveEnd() && session.connection() === "open",
		markedFrom: unreadAfter ?? 0,
	});
	trackUnseen({ messages: liveMessages, loading: () => history.isPending, seeing: seeingLiveEnd, meId: props.me.id });

	const bannerState = () => (session.connection() === "connecting" && !patient() ? "open" : session.connection());
	const listProps = {
		get me() {
			return props.me;
		},
		get changes() {
			return session.changes();
		},
		actions,
		onAtEndChange: setAtEnd,
		get sentCount() {
			return sentCount();
		},
	};

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
					<PresenceSummary users={session.present()} total={session.presentTotal()} />
					<MuteButton roomId={props.roomId} muted={summary()?.muted ?? false} member={summary()?.member ?? false} />
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
				<Show
					when={props.anchor}
					keyed
					fallback={
						<LiveList
							{...listProps}
							roomId={props.roomId}
							roomName={summary()?.name ?? props.roomId}
							history={props.history}
							messages={liveMessages()}
							pending={session.pending()}
							unreadAfter={unreadAfter}
						/>
					}
				>
					{(seq) => (
						<WindowList {...listProps} roomId={props.roomId} seq={seq} onPresent={() => props.onAnchor(null)} />
					)}
				</Show>
				<Show when={session.notice() ?? toast()}>
					{(text) => (
						<p
							role="status"
							class="mx-3 mb-1 rounded-md bg-zinc-900 px-3 py-1.5 text-xs text-white sm:mx-4 dark:bg-zinc-700"
							data-testid="room-notice"
						>
							{text()}
						</p>
					)}
				</Show>
				<TypingLine users={session.typing()} />
				<Composer
					roomId={props.roomId}
					roomName={summary()?.name ?? props.roomId}
					canHere={canModerate()}
					limited={session.limited()}
					onInput={session.typed}
					onSend={(text) => {
						session.send(text, replyingTo() ?? undefined);
						setReplyingTo(null);
						setSentCount((n) => n + 1);
						// What this user writes goes to the live end; so do they.
						if (props.anchor !== null) props.onAnchor(null);
					}}
					editing={editing()}
					onSave={(id, text) => {
						session.edit(id, text);
						setEditing(null);
					}}
					onCancelEdit={() => setEditing(null)}
					onEditLast={() => {
						const last = session.lastOwn();
						if (last) setEditing({ id: last.id, text: last.text, mentions: last.mentions });
						return last !== undefined;
					}}
					replyingTo={replyingTo()}
					onCancelReply={() => setReplyingTo(null)}
				/>
			</section>
			<Show when={picker()} keyed>
				{(open) => (
					<EmojiPicker
						anchor={open.anchor}
						onClose={() => setPicker(null)}
						onPick={(emoji) => {
							setPicker(null);
							const mine = open.message.reactions.some(
								(r) => r.emoji === emoji && r.users.some((u) => u.id === props.me.id),
							);
							actions.onReact(open.message, emoji, !mine);
						}}
					/>
				)}
			</Show>
			<Show when={deleting()} keyed>
				{(message) => (
					<DeleteDialog
						message={message}
						asModerator={message.author.id !== props.me.id}
						onClose={() => setDeleting(null)}
						onConfirm={(reason) => {
							session.remove(message.id, reason);
							setDeleting(null);
						}}
					/>
				)}
			</Show>
			<Show when={versionsOf()} keyed>
				{(message) => <VersionsDialog roomId={props.roomId} message={message} onClose={() => setVersionsOf(null)} />}
			</Show>
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
