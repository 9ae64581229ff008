import { useQueryClient } from "@tanstack/solid-query";
import { useNavigate } from "@tanstack/solid-router";
import { createMemo, createSignal, Index, Match, onCleanup, Switch } from "solid-js";
import type { Author } from "../../../api/protocol/room-protocol";
import { Button } from "../../components/ui/Button";
import { sessionQueryKey } from "../auth/session-queries";
import { Composer } from "./Composer";
import { ConnectionBanner } from "./ConnectionBanner";
import { buildRows, type ChatRow, keepUnchangedRows } from "./chat-rows";
import { MessageList } from "./MessageList";
import { flattenMessages } from "./message-cache";
import { createRoomHistory } from "./room-history";
import { createRoomSession } from "./room-session";

/** A short first connect is not worth a banner; a slow one is. */
const CONNECTING_BANNER_AFTER_MS = 1_500;

export function RoomView(props: { roomId: string; me: Author }) {
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const { query: history, data: historyData } = createRoomHistory(props.roomId);
	const session = createRoomSession(
		() => props.roomId,
		props.me,
		() => {
			// The room closed the socket because the session ended: sign in again.
			queryClient.setQueryData(sessionQueryKey, null);
			void navigate({ to: "/sign-in", search: { redirect: `/rooms/${props.roomId}` } });
		},
	);
	const [sentCount, setSentCount] = createSignal(0);
	const [patient, setPatient] = createSignal(false);
	const timer = setTimeout(() => setPatient(true), CONNECTING_BANNER_AFTER_MS);
	onCleanup(() => clearTimeout(timer));

	const messages = createMemo(() => flattenMessages(historyData()));
	const rows = createMemo<ChatRow[]>((previous) =>
		keepUnchangedRows(
			buildRows(messages(), session.pending(), props.me, { olderToLoad: history.hasPreviousPage }),
			previous,
		),
	);
	const latestSeq = () => messages().at(-1)?.seq ?? null;
	const bannerState = () => (session.connection() === "connecting" && !patient() ? "open" : session.connection());

	return (
		<section class="flex min-h-0 flex-1 flex-col" aria-labelledby="room-title">
			<header class="flex items-center gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
				<h1 id="room-title" class="text-base font-bold">
					<span class="text-zinc-500 dark:text-zinc-400" aria-hidden="true">
						#
					</span>
					{props.roomId}
				</h1>
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
							Say hello to start the conversation in #{props.roomId}.
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
						sentCount={sentCount()}
					/>
				</Match>
			</Switch>
			<Composer
				roomName={props.roomId}
				onSend={(text) => {
					session.send(text);
					setSentCount((n) => n + 1);
				}}
			/>
		</section>
	);
}
