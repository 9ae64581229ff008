import { createMemo, Index, Match, Switch } from "solid-js";
import type { Author, ChatMessage } from "../../../api/protocol/room-protocol";
import { ApiRequestError } from "../../api-request";
import { Button } from "../../components/ui/Button";
import type { ChangeFrame } from "./change-queue";
import { buildRows, RowCache } from "./chat-rows";
import { MessageList } from "./MessageList";
import type { MessageActions } from "./message-actions";
import { flattenMessages } from "./message-cache";
import type { OutboxEntry } from "./outbox";
import { foldPending } from "./pending-changes";
import { createRoomWindow, type RoomHistory } from "./room-history";

/** What both lists take from the room view. */
type ListProps = {
	me: Author;
	changes: ChangeFrame[];
	actions: MessageActions;
	onAtEndChange: (atEnd: boolean) => void;
	sentCount: number;
};

function LoadingRows() {
	return (
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
	);
}

function LoadError(props: { message?: string; onRetry: () => void }) {
	return (
		<div class="flex flex-1 flex-col items-center justify-center gap-3 p-6 text-center" role="alert">
			<p class="font-semibold">Messages could not be loaded.</p>
			<p class="text-sm text-zinc-600 dark:text-zinc-400">{props.message}</p>
			<Button onClick={props.onRetry}>Try again</Button>
		</div>
	);
}

/** The room's live end: the newest page, older pages as the reader scrolls up, this user's unsent messages. */
export function LiveList(
	props: ListProps & {
		roomId: string;
		roomName: string;
		history: RoomHistory;
		messages: ChatMessage[];
		pending: OutboxEntry[];
		unreadAfter: number | null;
	},
) {
	const history = props.history.query;
	const cache = new RowCache();
	const rows = createMemo(() =>
		buildRows(
			foldPending(props.messages, props.changes, props.me),
			props.pending,
			props.me,
			{ olderToLoad: history.hasPreviousPage, unreadAfter: props.unreadAfter },
			cache,
		),
	);
	return (
		<Switch>
			<Match when={history.isPending && !props.history.data()}>
				<LoadingRows />
			</Match>
			<Match when={history.isError && !props.history.data()}>
				<LoadError message={history.error?.message} onRetry={() => void history.refetch()} />
			</Match>
			<Match when={rows().length === 0}>
				<div class="flex flex-1 flex-col items-center justify-center gap-1 p-6 text-center">
					<p class="font-semibold">No messages yet</p>
					<p class="text-sm text-zinc-600 dark:text-zinc-400">
						Say hello to start the conversation in #{props.roomName}.
					</p>
				</div>
			</Match>
			<Match when={rows().length > 0}>
				<MessageList
					rows={rows()}
					latestSeq={props.messages.at(-1)?.seq ?? null}
					hasOlder={history.hasPreviousPage}
					loadingOlder={history.isFetchingPreviousPage}
					onLoadOlder={() => void history.fetchPreviousPage()}
					actions={props.actions}
					sentCount={props.sentCount}
					onAtEndChange={props.onAtEndChange}
				/>
			</Match>
		</Switch>
	);
}

/**
 * The history around one message, however far back: it opens there with the message marked,
 * pages both ways, and takes live messages once it reaches the present. "Jump to present" leaves it.
 */
export function WindowList(props: ListProps & { roomId: string; seq: number; onPresent: () => void }) {
	const view = createRoomWindow(props.roomId, props.seq);
	const query = view.query;
	const messages = createMemo(() => flattenMessages(view.data()));
	const cache = new RowCache();
	const rows = createMemo(() =>
		buildRows(
			foldPending(messages(), props.changes, props.me),
			[],
			props.me,
			{ olderToLoad: query.hasPreviousPage },
			cache,
		),
	);
	const gone = () => query.error instanceof ApiRequestError && query.error.status === 404;
	return (
		<Switch>
			<Match when={query.isPending && !view.data()}>
				<LoadingRows />
			</Match>
			<Match when={query.isError && !view.data() && !gone()}>
				<LoadError message={query.error?.message} onRetry={() => void query.refetch()} />
			</Match>
			<Match when={rows().length === 0 || !messages().some((m) => m.seq === props.seq)}>
				<div class="flex flex-1 flex-col items-center justify-center gap-2 p-6 text-center">
					<p class="font-semibold">That message is no longer in this room.</p>
					<p class="text-sm text-zinc-600 dark:text-zinc-400">
						Rooms keep their newest messages; older ones are removed.
					</p>
					<Button onClick={props.onPresent}>Go to the newest messages</Button>
				</div>
			</Match>
			<Match when={rows().length > 0}>
				<MessageList
					rows={rows()}
					latestSeq={messages().at(-1)?.seq ?? null}
					hasOlder={query.hasPreviousPage}
					loadingOlder={query.isFetchingPreviousPage}
					onLoadOlder={() => void query.fetchPreviousPage()}
					hasNewer={query.hasNextPage}
					loadingNewer={query.isFetchingNextPage}
					onLoadNewer={() => void query.fetchNextPage()}
					onJumpToPresent={props.onPresent}
					anchorSeq={props.seq}
					actions={props.actions}
					sentCount={props.sentCount}
					onAtEndChange={props.onAtEndChange}
				/>
			</Match>
		</Switch>
	);
}
