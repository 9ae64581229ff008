import { createSignal, Match, onCleanup, Show, Switch } from "solid-js";
import { userLabel } from "../../../api/protocol/display-text";
import { type Mention, mentionsUser } from "../../../api/protocol/mentions";
import type { ReplyPreview } from "../../../api/protocol/message-events";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { Avatar } from "../../components/ui/Avatar";
import { UserName } from "../../components/ui/Names";
import type { ChatRow } from "./chat-rows";
import { useNow } from "./clock";
import { knownName } from "./known-names";
import { HERE_LOOKUP, type MentionLookup, MessageBody } from "./MessageBody";
import { MessageToolbar } from "./MessageToolbar";
import type { MessageActions } from "./message-actions";
import { Reactions } from "./Reactions";
import { dayLabel, fullTime, shortTime } from "./relative-time";

/** A touch held this long opens a message's actions, as a long press does in phone chat apps. */
const LONG_PRESS_MS = 450;

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

/** How a row's mentions read: the names the room resolved, or, before it has, the names picked. */
function mentionLookup(mentions: Mention[], meId: string, here: boolean, pending = false): MentionLookup {
	return (userId) => {
		if (userId === HERE_LOOKUP) return here ? { name: "here", me: true } : null;
		const name = mentions.find((m) => m.id === userId)?.name ?? (pending ? knownName(userId) : undefined);
		return name === undefined ? null : { name, me: userId === meId };
	};
}

/** The message a reply answers, as it is now; activating it goes there. */
function ReplyQuote(props: { reply: ReplyPreview; onJump?: (seq: number) => void }) {
	const label = () =>
		props.reply.deleted
			? "Replying to a deleted message"
			: `Replying to ${props.reply.authorName}: ${props.reply.excerpt}`;
	return (
		<button
			type="button"
			class="mb-0.5 flex max-w-full min-w-0 items-center gap-1.5 rounded text-left text-xs text-zinc-600 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-zinc-400 dark:hover:text-zinc-100"
			aria-label={label()}
			data-testid="reply-quote"
			onClick={() => props.onJump?.(props.reply.seq)}
		>
			<span aria-hidden="true">↪</span>
			<Show when={!props.reply.deleted} fallback={<span class="italic">a deleted message</span>}>
				<bdi class="shrink-0 font-semibold">{props.reply.authorName}</bdi>
				<span dir="auto" class="min-w-0 truncate [unicode-bidi:isolate]">
					{props.reply.excerpt}
				</span>
			</Show>
		</button>
	);
}

function Tombstone(props: { message: ChatMessage }) {
	const deleted = () => props.message.deleted;
	return (
		<p
			class="text-sm text-zinc-500 italic dark:text-zinc-400"
			title={deleted() ? `Deleted by ${deleted()?.by.name} ${fullTime(deleted()?.at ?? 0)}` : undefined}
			data-testid="tombstone"
		>
			{deleted()?.moderator ? "Message deleted by a moderator" : "Message deleted"}
		</p>
	);
}

/** A stored message: header, reply quote, text or tombstone, reactions, and its actions on demand. */
function StoredMessage(props: {
	row: Extract<ChatRow, { kind: "message" }>;
	actions: MessageActions;
	highlighted: boolean;
}) {
	const message = () => props.row.message;
	const mentionsMe = () => mentionsUser(message(), props.actions.meId);
	// The actions show while the pointer is over the row, focus is in it, or after a long press.
	const [hovered, setHovered] = createSignal(false);
	const [focused, setFocused] = createSignal(false);
	let pressTimer: ReturnType<typeof setTimeout> | undefined;
	let pressed = false;
	onCleanup(() => clearTimeout(pressTimer));
	const startPress = (target: HTMLElement) => {
		clearTimeout(pressTimer);
		pressed = false;
		pressTimer = setTimeout(() => {
			pressed = true;
			target.focus({ preventScroll: true });
		}, LONG_PRESS_MS);
	};
	const cancelPress = () => clearTimeout(pressTimer);
	return (
		// biome-ignore lint/a11y/useKeyWithMouseEvents: focus is handled by onFocusIn/onFocusOut below, which also cover the row's buttons
		<article
			class="group relative flex gap-3 px-4 hover:bg-zinc-50 focus-visible:bg-zinc-50 dark:hover:bg-zinc-900/60 dark:focus-visible:bg-zinc-900/60"
			classList={{
				"pt-3": !props.row.grouped,
				"pt-0.5": props.row.grouped,
				"bg-amber-50 ring-2 ring-amber-300 ring-inset dark:bg-amber-950/40 dark:ring-amber-700": props.highlighted,
				// Addressed to the reader: a bar and a tint, as chats mark a mention of you.
				"border-l-4 border-amber-400 bg-amber-50/70 pl-3 dark:border-amber-500 dark:bg-amber-950/30":
					mentionsMe() && !props.highlighted,
			}}
			data-mentions-me={mentionsMe() ? "true" : undefined}
			aria-label={`${userLabel(message().author)}, ${fullTime(message().createdAt)}`}
			data-seq={message().seq}
			data-highlighted={props.highlighted ? "true" : undefined}
			// Reachable from the keyboard (arrow keys in the list), which shows its time and actions as hover does.
			tabIndex={-1}
			// Over/out rather than enter/leave: Solid delegates these to one listener on the document,
			// so a row costs no listeners of its own (a busy room adds rows many times a second).
			onMouseOver={() => setHovered(true)}
			onMouseOut={(e) => {
				if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setHovered(false);
			}}
			onFocusIn={() => setFocused(true)}
			onFocusOut={(e) => {
				if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(false);
			}}
			onTouchStart={(e) => startPress(e.currentTarget)}
			onTouchEnd={cancelPress}
			onTouchMove={cancelPress}
			onContextMenu={(e) => {
				// The long press opened the actions; the browser's own menu would cover them.
				if (pressed) e.preventDefault();
			}}
		>
			<div class="w-9 shrink-0">
				<Show
					when={!props.row.grouped}
					fallback={
						// A follow-up has no header; its time shows on hover or focus, where the avatar would be.
						<Show when={hovered() || focused()}>
							<Timestamp at={message().createdAt} class="block pt-0.5 text-right text-[0.65rem] leading-5" />
						</Show>
					}
				>
					<Avatar name={message().author.name} image={message().author.image} seed={message().author.id} />
				</Show>
			</div>
			<div class="min-w-0 flex-1 pb-0.5">
				<Show when={!props.row.grouped}>
					<div class="flex min-w-0 items-baseline gap-2">
						<button
							type="button"
							class="min-w-0 rounded hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
							onClick={() => props.actions.onAuthor(message().author.id)}
						>
							<UserName name={message().author.name} guest={message().author.guest} class="text-sm font-semibold" />
						</button>
						<Timestamp at={message().createdAt} />
					</div>
				</Show>
				<Show when={message().replyTo}>{(reply) => <ReplyQuote reply={reply()} onJump={props.actions.onJump} />}</Show>
				<Show when={!message().deleted} fallback={<Tombstone message={message()} />}>
					<MessageBody
						text={message().text}
						mention={mentionLookup(message().mentions, props.actions.meId, message().here)}
						after={
							<Show when={message().editedAt !== null}>
								{" "}
								<button
									type="button"
									class="rounded text-xs text-zinc-500 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-zinc-400"
									title={`Edited ${fullTime(message().editedAt ?? 0)}`}
									onClick={() => props.actions.onVersions(message())}
								>
									(edited)
								</button>
							</Show>
						}
					/>
					<Reactions
						reactions={message().reactions}
						meId={props.actions.meId}
						onToggle={(emoji, on) => props.actions.onReact(message(), emoji, on)}
						onAdd={(anchor) => props.actions.onPickReaction(message(), anchor)}
					/>
				</Show>
			</div>
			<Show when={(hovered() || focused()) && !message().deleted}>
				<MessageToolbar message={message()} actions={props.actions} />
			</Show>
		</article>
	);
}

export function MessageRow(props: { row: ChatRow; actions: MessageActions; highlighted?: boolean }) {
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
				{(row) => <StoredMessage row={row()} actions={props.actions} highlighted={props.highlighted === true} />}
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
							<Show when={row().entry.replyTo}>{(reply) => <ReplyQuote reply={reply()} />}</Show>
							<MessageBody text={row().entry.text} mention={mentionLookup([], props.actions.meId, false, true)} dim />
							<Show
								when={row().entry.status === "failed"}
								fallback={<p class="text-xs text-zinc-500 dark:text-zinc-400">Sending…</p>}
							>
								<p class="flex flex-wrap items-center gap-2 text-xs text-red-700 dark:text-red-400">
									<span>Not sent{row().entry.error ? `: ${row().entry.error}` : "."}</span>
									<button
										type="button"
										class="font-semibold underline"
										onClick={() => props.actions.onRetry(row().entry.clientId)}
									>
										Retry
									</button>
									<button type="button" class="underline" onClick={() => props.actions.onDiscard(row().entry.clientId)}>
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
