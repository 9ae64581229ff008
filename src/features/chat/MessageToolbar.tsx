import { For, Show } from "solid-js";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import type { MessageActions } from "./message-actions";
import { recentEmoji } from "./recent-emoji";

const buttonClass =
	"flex size-8 items-center justify-center rounded-md text-sm text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-zinc-200 dark:hover:bg-zinc-800";

function Icon(props: { d: string }) {
	return (
		<svg viewBox="0 0 20 20" class="size-4 fill-none stroke-current stroke-[1.6]" aria-hidden="true">
			<path d={props.d} stroke-linecap="round" stroke-linejoin="round" />
		</svg>
	);
}

const ICONS = {
	reply: "M8 5 3 10l5 5M3.5 10H12a5 5 0 0 1 5 5v1",
	edit: "M13.5 3.5l3 3L7 16H4v-3z",
	delete: "M4 6h12M8 6V4h4v2M6 6l1 10h6l1-10",
	link: "M8.5 11.5a3 3 0 0 0 4.2 0l2.6-2.6a3 3 0 0 0-4.2-4.2L10 5.8M11.5 8.5a3 3 0 0 0-4.2 0l-2.6 2.6a3 3 0 0 0 4.2 4.2l1.1-1.1",
};

/**
 * What can be done to a message, shown over its row on hover, keyboard focus or a long press:
 * a few recent reactions, the picker, reply, edit (its author), delete (its author, the owner,
 * moderators) and copy link. Every button has a name, so each is reachable and announced.
 */
export function MessageToolbar(props: { message: ChatMessage; actions: MessageActions }) {
	const own = () => props.message.author.id === props.actions.meId;
	const quick = recentEmoji().slice(0, 3);
	const reacted = (emoji: string) =>
		props.message.reactions.some((r) => r.emoji === emoji && r.users.some((u) => u.id === props.actions.meId));
	return (
		<div
			role="toolbar"
			aria-label="Message actions"
			class="absolute -top-4 right-3 z-10 flex items-center gap-0.5 rounded-lg bg-white p-0.5 shadow-md ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-700"
		>
			<For each={quick}>
				{(emoji) => (
					<button
						type="button"
						class={buttonClass}
						aria-label={`React with ${emoji}`}
						aria-pressed={reacted(emoji)}
						onClick={() => props.actions.onReact(props.message, emoji, !reacted(emoji))}
					>
						<span class="text-base" aria-hidden="true">
							{emoji}
						</span>
					</button>
				)}
			</For>
			<button
				type="button"
				class={buttonClass}
				aria-label="Add reaction"
				title="Add reaction"
				onClick={(e) => props.actions.onPickReaction(props.message, e.currentTarget.getBoundingClientRect())}
			>
				<span aria-hidden="true">☺+</span>
			</button>
			<button
				type="button"
				class={buttonClass}
				aria-label="Reply"
				title="Reply"
				onClick={() => props.actions.onReply(props.message)}
			>
				<Icon d={ICONS.reply} />
			</button>
			<Show when={own()}>
				<button
					type="button"
					class={buttonClass}
					aria-label="Edit"
					title="Edit"
					onClick={() => props.actions.onEdit(props.message)}
				>
					<Icon d={ICONS.edit} />
				</button>
			</Show>
			<Show when={own() || props.actions.canModerate()}>
				<button
					type="button"
					class={buttonClass}
					aria-label="Delete"
					title="Delete"
					onClick={() => props.actions.onDelete(props.message)}
				>
					<Icon d={ICONS.delete} />
				</button>
			</Show>
			<button
				type="button"
				class={buttonClass}
				aria-label="Copy link"
				title="Copy link"
				onClick={() => props.actions.onCopyLink(props.message)}
			>
				<Icon d={ICONS.link} />
			</button>
		</div>
	);
}
