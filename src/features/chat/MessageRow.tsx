import { Match, Show, Switch } from "solid-js";
import { userLabel } from "../../../api/protocol/display-text";
import { Avatar } from "../../components/ui/Avatar";
import { UserName } from "../../components/ui/Names";
import type { ChatRow } from "./chat-rows";
import { useNow } from "./clock";
import { dayLabel, fullTime, shortTime } from "./relative-time";

type Actions = {
	onRetry: (clientId: string) => void;
	onDiscard: (clientId: string) => void;
	/** Someone's name was clicked: show who they are. */
	onAuthor?: (userId: string) => void;
};

function Timestamp(props: { at: number; class?: string }) {
	const now = useNow();
	return (
		<time
			datetime={new Date(props.at).toISOString()}
			title={fullTime(props.at)}
			class={`text-xs text-zinc-600 dark:text-zinc-400 ${props.class ?? ""}`}
		>
			{shortTime(props.at, now())}
		</time>
	);
}

/**
 * The text as typed: Solid sets it as text, never as HTML. `dir="auto"` with bidi isolation keeps
 * right-to-left text and stray direction overrides inside the bubble; stacked combining marks are
 * clipped to the row instead of painting over its neighbours.
 */
function MessageText(props: { text: string; dim?: boolean }) {
	return (
		<p
			dir="auto"
			class="overflow-hidden whitespace-pre-wrap break-words [overflow-wrap:anywhere] [unicode-bidi:isolate]"
			classList={{ "text-zinc-500 dark:text-zinc-400": props.dim }}
		>
			{props.text}
		</p>
	);
}

export function MessageRow(props: { row: ChatRow } & Actions) {
	const now = useNow();
	return (
		<Switch>
			<Match when={props.row.kind === "day" && props.row}>
				{(row) => (
					<div class="flex items-center gap-3 px-4 py-2" data-day={row().day}>
						<span class="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
						<span class="text-xs font-semibold text-zinc-600 dark:text-zinc-400">{dayLabel(row().day, now())}</span>
						<span class="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
					</div>
				)}
			</Match>
			<Match when={props.row.kind === "unread"}>
				<div class="flex items-center gap-3 px-4 py-1">
					<hr class="flex-1 border-rose-500" aria-label="New messages" />
					<span class="text-xs font-semibold text-rose-600 dark:text-rose-400" aria-hidden="true">
						New messages
					</span>
				</div>
			</Match>
			<Match when={props.row.kind === "message" && props.row}>
				{(row) => (
					<article
						class="group flex gap-3 px-4 hover:bg-zinc-50 focus-visible:bg-zinc-50 dark:hover:bg-zinc-900/60 dark:focus-visible:bg-zinc-900/60"
						classList={{ "pt-3": !row().grouped, "pt-0.5": row().grouped }}
						aria-label={`${userLabel(row().message.author)}, ${fullTime(row().message.createdAt)}`}
						data-seq={row().message.seq}
						// Reachable from the keyboard (arrow keys in the list), which shows its time as hover does.
						tabIndex={-1}
					>
						<div class="w-9 shrink-0">
							<Show
								when={!row().grouped}
								fallback={
									// A follow-up has no header; its time shows on hover or focus, where the avatar would be.
									<Timestamp
										at={row().message.createdAt}
										class="invisible block pt-0.5 text-right text-[0.65rem] leading-5 group-focus-within:visible group-hover:visible group-focus:visible"
									/>
								}
							>
								<Avatar
									name={row().message.author.name}
									image={row().message.author.image}
									seed={row().message.author.id}
								/>
							</Show>
						</div>
						<div class="min-w-0 flex-1 pb-0.5">
							<Show when={!row().grouped}>
								<div class="flex min-w-0 items-baseline gap-2">
									<button
										type="button"
										class="min-w-0 rounded hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
										onClick={() => props.onAuthor?.(row().message.author.id)}
									>
										<UserName
											name={row().message.author.name}
											guest={row().message.author.guest}
											class="text-sm font-semibold"
										/>
									</button>
									<Timestamp at={row().message.createdAt} />
								</div>
							</Show>
							<MessageText text={row().message.text} />
						</div>
					</article>
				)}
			</Match>
			<Match when={props.row.kind === "pending" && props.row}>
				{(row) => (
					<article
						class="flex gap-3 px-4"
						classList={{ "pt-3": !row().grouped, "pt-0.5": row().grouped }}
						aria-label={`${userLabel(row().author)}, ${row().entry.status === "failed" ? "not sent" : "sending"}`}
						data-status={row().entry.status === "failed" ? "failed" : "pending"}
					>
						<div class="w-9 shrink-0">
							<Show when={!row().grouped}>
								<Avatar name={row().author.name} image={row().author.image} seed={row().author.id} />
							</Show>
						</div>
						<div class="min-w-0 flex-1 pb-0.5">
							<Show when={!row().grouped}>
								<UserName name={row().author.name} guest={row().author.guest} class="text-sm font-semibold" />
							</Show>
							<MessageText text={row().entry.text} dim />
							<Show
								when={row().entry.status === "failed"}
								fallback={<p class="text-xs text-zinc-500 dark:text-zinc-400">Sending…</p>}
							>
								<p class="flex flex-wrap items-center gap-2 text-xs text-red-700 dark:text-red-400">
									<span>Not sent{row().entry.error ? `: ${row().entry.error}` : "."}</span>
									<button
										type="button"
										class="font-semibold underline"
										onClick={() => props.onRetry(row().entry.clientId)}
									>
										Retry
									</button>
									<button type="button" class="underline" onClick={() => props.onDiscard(row().entry.clientId)}>
										Discard
									</button>
								</p>
							</Show>
						</div>
					</article>
				)}
			</Match>
		</Switch>
	);
}
