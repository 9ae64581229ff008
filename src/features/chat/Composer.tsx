import { useQueryClient } from "@tanstack/solid-query";
import { createEffect, createMemo, createSignal, on, onCleanup, Show } from "solid-js";
import type { Member } from "../../../api/protocol/http-api";
import type { Mention } from "../../../api/protocol/mentions";
import type { ReplyPreview } from "../../../api/protocol/message-events";
import { MAX_TEXT_LENGTH } from "../../../api/protocol/room-protocol";
import { memberSearchQuery } from "../rooms/room-queries";
import { type ChosenMentions, decodeMentions, encodeMentions, insideOpenFence, mentionQuery } from "./composer-text";
import { rememberName } from "./known-names";
import { MENTION_LIST_ID, type MentionCandidate, MentionPicker, mentionOptionId } from "./MentionPicker";

/** Where the character count appears: close enough to the limit to matter. */
const COUNT_FROM = MAX_TEXT_LENGTH - 500;

/** The message being edited in the composer. */
export type Editing = { id: string; text: string; mentions: Mention[] };

/** Entries the @ list shows at most. */
const MENTION_LIST_SIZE = 8;

/**
 * Enter sends, Shift+Enter adds a line; focus stays here after sending. Never disabled: unsent
 * messages wait in the outbox. It also edits (Up in an empty box edits your last message; Escape
 * cancels, Enter saves) and replies (a quote of the message answered sits above the box).
 */
export function Composer(props: {
	roomId: string;
	roomName: string;
	/** The owner and moderators may address everyone present with @here. */
	canHere: boolean;
	/** The room is holding this user's sends back for a moment; they go out by themselves. */
	limited?: boolean;
	onSend: (text: string) => void;
	onInput?: () => void;
	editing: Editing | null;
	onSave: (id: string, text: string) => void;
	onCancelEdit: () => void;
	/** Up in an empty box: start editing this user's last message. */
	onEditLast: () => boolean;
	replyingTo: ReplyPreview | null;
	onCancelReply: () => void;
}) {
	const [text, setText] = createSignal("");
	/** Names picked from the @ list for this draft; "@Name" becomes a mention when it is sent. */
	let chosen: ChosenMentions = new Map();
	const [caret, setCaret] = createSignal(0);
	const [dismissed, setDismissed] = createSignal(false);
	const [active, setActive] = createSignal(0);
	const query = createMemo(() => (dismissed() ? null : mentionQuery(text(), caret())));
	// Fetched through the cache into a plain signal: reading a query's data under the router's
	// Suspense boundary would suspend the page (and reset this box) while a search is on its way.
	const queryClient = useQueryClient();
	const [found, setFound] = createSignal<Member[]>([]);
	createEffect(
		on(
			() => query()?.query,
			(prefix) => {
				if (prefix === undefined) return setFound([]);
				let current = true;
				onCleanup(() => {
					current = false;
				});
				queryClient
					.fetchQuery(memberSearchQuery(props.roomId, prefix))
					.then((page) => current && setFound(page.members))
					.catch(() => current && setFound([]));
			},
		),
	);
	const candidates = createMemo((): MentionCandidate[] => {
		const q = query();
		if (!q) return [];
		const here: MentionCandidate[] =
			props.canHere && "here".startsWith(q.query.toLowerCase())
				? [{ id: "here", name: "here", image: null, guest: false, here: true }]
				: [];
		const members = found().map((m) => ({
			id: m.id,
			name: m.name,
			image: m.image,
			guest: m.guest,
		}));
		return [...here, ...members].slice(0, MENTION_LIST_SIZE);
	});
	const listOpen = () => candidates().length > 0;
	createEffect(on(candidates, () => setActive(0)));
	const readCaret = () => setCaret(textarea?.selectionStart ?? text().length);

	function pick(candidate: MentionCandidate) {
		const q = query();
		if (!q) return;
		const name = candidate.here ? "here" : candidate.name;
		if (!candidate.here) {
			chosen.set(name, candidate.id);
			rememberName(candidate.id, name);
		}
		const value = text();
		const end = caret();
		const next = `${value.slice(0, q.start)}@${name} ${value.slice(end)}`;
		const at = q.start + name.length + 2;
		setText(next);
		setCaret(at);
		// Picked: the list stays shut until the next keystroke (the name just typed would match again).
		setDismissed(true);
		queueMicrotask(() => textarea?.setSelectionRange(at, at));
	}
	let textarea: HTMLTextAreaElement | undefined;
	/** The draft set aside while editing, given back after. */
	let draft = "";

	createEffect(
		on(
			() => props.editing,
			(editing, previous) => {
				if (editing) {
					if (!previous) draft = text();
					const decoded = decodeMentions(editing.text, editing.mentions);
					chosen = decoded.chosen;
					setText(decoded.text);
					textarea?.focus();
					queueMicrotask(() => textarea?.setSelectionRange(decoded.text.length, decoded.text.length));
				} else if (previous) {
					chosen = new Map();
					setText(draft);
					draft = "";
					textarea?.focus();
				}
			},
			{ defer: true },
		),
	);
	createEffect(
		on(
			() => props.replyingTo,
			(reply) => {
				if (reply) textarea?.focus();
			},
			{ defer: true },
		),
	);

	function submit() {
		const value = text();
		if (value.trim().length === 0 || value.length > MAX_TEXT_LENGTH) return;
		const stored = encodeMentions(value, chosen);
		const editing = props.editing;
		if (editing) {
			props.onSave(editing.id, stored);
			return;
		}
		props.onSend(stored);
		chosen = new Map();
		setText("");
		textarea?.focus();
	}

	return (
		<form
			class="border-t border-zinc-200 bg-white px-3 py-3 sm:px-4 dark:border-zinc-800 dark:bg-zinc-950"
			onSubmit={(e) => {
				e.preventDefault();
				submit();
			}}
		>
			<Show when={props.editing || props.replyingTo}>
				<div
					class="mb-2 flex items-center gap-2 text-xs text-zinc-700 dark:text-zinc-300"
					data-testid="composer-context"
				>
					<span class="min-w-0 flex-1 truncate">
						<Show
							when={props.editing}
							fallback={
								<>
									Replying to <bdi class="font-semibold">{props.replyingTo?.authorName}</bdi>:{" "}
									<span dir="auto" class="[unicode-bidi:isolate]">
										{props.replyingTo?.excerpt}
									</span>
								</>
							}
						>
							<span class="font-semibold">Editing your message</span> · Enter saves, Escape cancels
						</Show>
					</span>
					<button
						type="button"
						class="min-h-8 rounded px-2 font-semibold underline focus-visible:outline-2 focus-visible:outline-indigo-600"
						onClick={() => (props.editing ? props.onCancelEdit() : props.onCancelReply())}
					>
						Cancel
					</button>
				</div>
			</Show>
			<div class="relative flex items-end gap-2 rounded-xl bg-zinc-100 p-1.5 ring-1 ring-zinc-200 focus-within:ring-2 focus-within:ring-indigo-500 dark:bg-zinc-900 dark:ring-zinc-800">
				<MentionPicker candidates={candidates()} active={active()} onPick={pick} onHover={setActive} />
				<label for="composer" class="sr-only">
					{props.editing ? "Edit your message" : `Message #${props.roomName}`}
				</label>
				<textarea
					id="composer"
					ref={textarea}
					rows={1}
					maxLength={MAX_TEXT_LENGTH}
					placeholder={`Message #${props.roomName}`}
					class="max-h-40 min-h-9 flex-1 resize-none [field-sizing:content] bg-transparent px-2 py-1.5 text-base outline-none placeholder:text-zinc-500 sm:text-sm dark:placeholder:text-zinc-400"
					value={text()}
					aria-autocomplete="list"
					aria-controls={listOpen() ? MENTION_LIST_ID : undefined}
					aria-activedescendant={listOpen() ? mentionOptionId(active()) : undefined}
					onKeyUp={(e) => {
						if (e.key.startsWith("Arrow") || e.key === "Home" || e.key === "End") readCaret();
					}}
					onClick={readCaret}
					onInput={(e) => {
						setText(e.currentTarget.value);
						setDismissed(false);
						readCaret();
						if (e.currentTarget.value.trim() && !props.editing) props.onInput?.();
					}}
					onKeyDown={(e) => {
						if (listOpen() && !e.isComposing) {
							const count = candidates().length;
							if (e.key === "ArrowDown" || e.key === "ArrowUp") {
								e.preventDefault();
								setActive((i) => (i + (e.key === "ArrowDown" ? 1 : count - 1)) % count);
								return;
							}
							if (e.key === "Enter" || e.key === "Tab") {
								e.preventDefault();
								const candidate = candidates()[active()];
								if (candidate) pick(candidate);
								return;
							}
							if (e.key === "Escape") {
								e.preventDefault();
								setDismissed(true);
								return;
							}
						}
						// isComposing: Enter that confirms an IME candidate must not send. Inside an open
						// ``` block Enter adds a line: code is typed over several.
						if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
							if (insideOpenFence(text(), e.currentTarget.selectionStart)) return;
							e.preventDefault();
							submit();
						} else if (e.key === "Escape" && (props.editing || props.replyingTo)) {
							e.preventDefault();
							if (props.editing) props.onCancelEdit();
							else props.onCancelReply();
						} else if (e.key === "ArrowUp" && text() === "" && !props.editing && !e.isComposing) {
							if (props.onEditLast()) e.preventDefault();
						}
					}}
				/>
				<button
					type="submit"
					class="min-h-11 rounded-lg bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white md:min-h-9 hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:bg-indigo-400"
					disabled={text().trim().length === 0}
				>
					{props.editing ? "Save" : "Send"}
				</button>
			</div>
			<Show when={props.limited}>
				<p class="mt-1 text-xs text-zinc-600 dark:text-zinc-400" role="status">
					Slow down a little: your messages will go out in a moment, in order.
				</p>
			</Show>
			<Show when={text().length >= COUNT_FROM}>
				<p class="mt-1 text-right text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
					{text().length} / {MAX_TEXT_LENGTH}
				</p>
			</Show>
		</form>
	);
}
