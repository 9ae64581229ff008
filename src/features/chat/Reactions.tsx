import { For, Show } from "solid-js";
import type { Reaction } from "../../../api/protocol/message-events";

function names(reaction: Reaction): string {
	const list = reaction.users.map((u) => u.name);
	return list.length <= 10 ? list.join(", ") : `${list.slice(0, 10).join(", ")} and ${list.length - 10} more`;
}

/**
 * A message's reactions: each emoji with its count, pressed when this user reacted with it, and
 * who reacted shown on hover or keyboard focus. Activating one toggles this user's reaction.
 */
export function Reactions(props: {
	reactions: Reaction[];
	meId: string;
	onToggle: (emoji: string, on: boolean) => void;
	onAdd: (anchor: DOMRect) => void;
}) {
	return (
		<Show when={props.reactions.length > 0}>
			<div class="mt-1 flex flex-wrap gap-1" data-testid="reactions">
				<For each={props.reactions}>
					{(reaction) => {
						const mine = () => reaction.users.some((u) => u.id === props.meId);
						return (
							<span class="group/reaction relative">
								<button
									type="button"
									aria-pressed={mine()}
									aria-label={`${reaction.emoji} ${reaction.users.length}: ${names(reaction)}`}
									class="flex min-h-7 items-center gap-1 rounded-full px-2 text-sm ring-1 focus-visible:outline-2 focus-visible:outline-indigo-600"
									classList={{
										"bg-indigo-50 ring-indigo-400 text-indigo-900 dark:bg-indigo-950 dark:ring-indigo-500 dark:text-indigo-100":
											mine(),
										"bg-zinc-50 ring-zinc-200 text-zinc-800 hover:bg-zinc-100 dark:bg-zinc-900 dark:ring-zinc-700 dark:text-zinc-200":
											!mine(),
									}}
									onClick={() => props.onToggle(reaction.emoji, !mine())}
								>
									<span aria-hidden="true">{reaction.emoji}</span>
									<span class="text-xs font-semibold tabular-nums" aria-hidden="true">
										{reaction.users.length}
									</span>
								</button>
								<span
									role="tooltip"
									class="pointer-events-none absolute bottom-full left-0 z-20 mb-1 hidden w-max max-w-64 rounded-md bg-zinc-900 px-2 py-1 text-xs text-white shadow group-focus-within/reaction:block group-hover/reaction:block dark:bg-zinc-700"
								>
									<bdi>{names(reaction)}</bdi>
								</span>
							</span>
						);
					}}
				</For>
				<button
					type="button"
					aria-label="Add reaction"
					class="flex min-h-7 items-center rounded-full px-2 text-sm text-zinc-600 ring-1 ring-zinc-200 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
					onClick={(e) => props.onAdd(e.currentTarget.getBoundingClientRect())}
				>
					<span aria-hidden="true">☺+</span>
				</button>
			</div>
		</Show>
	);
}
