import { createSignal, Show } from "solid-js";
import { MAX_TEXT_LENGTH } from "../../../api/protocol/room-protocol";

/** Where the character count appears: close enough to the limit to matter. */
const COUNT_FROM = MAX_TEXT_LENGTH - 500;

/** Enter sends, Shift+Enter adds a line; focus stays here after sending. Never disabled: unsent messages wait in the outbox. */
export function Composer(props: {
	roomName: string;
	/** The room is holding this user's sends back for a moment; they go out by themselves. */
	limited?: boolean;
	onSend: (text: string) => void;
	onInput?: () => void;
}) {
	const [text, setText] = createSignal("");
	let textarea: HTMLTextAreaElement | undefined;

	function submit() {
		const value = text();
		if (value.trim().length === 0 || value.length > MAX_TEXT_LENGTH) return;
		props.onSend(value);
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
			<div class="flex items-end gap-2 rounded-xl bg-zinc-100 p-1.5 ring-1 ring-zinc-200 focus-within:ring-2 focus-within:ring-indigo-500 dark:bg-zinc-900 dark:ring-zinc-800">
				<label for="composer" class="sr-only">
					Message #{props.roomName}
				</label>
				<textarea
					id="composer"
					ref={textarea}
					rows={1}
					maxLength={MAX_TEXT_LENGTH}
					placeholder={`Message #${props.roomName}`}
					class="max-h-40 min-h-9 flex-1 resize-none [field-sizing:content] bg-transparent px-2 py-1.5 text-base outline-none placeholder:text-zinc-500 sm:text-sm dark:placeholder:text-zinc-400"
					value={text()}
					onInput={(e) => {
						setText(e.currentTarget.value);
						if (e.currentTarget.value.trim()) props.onInput?.();
					}}
					onKeyDown={(e) => {
						// isComposing: Enter that confirms an IME candidate must not send.
						if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
							e.preventDefault();
							submit();
						}
					}}
				/>
				<button
					type="submit"
					class="min-h-11 rounded-lg bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white md:min-h-9 hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:bg-indigo-400"
					disabled={text().trim().length === 0}
				>
					Send
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
