import { For, Show } from "solid-js";
import { Avatar } from "../../components/ui/Avatar";

/** One entry of the @ list: a member, or `@here` for the owner and moderators. */
export type MentionCandidate = { id: string; name: string; image: string | null; guest: boolean; here?: boolean };

export const MENTION_LIST_ID = "mention-list";
export const mentionOptionId = (index: number) => `mention-option-${index}`;

/**
 * The list that opens when `@` is typed in the composer, filtered as one types. The composer
 * keeps the focus and moves the active option with the arrow keys (aria-activedescendant);
 * a click picks too, without taking the focus from the box.
 */
export function MentionPicker(props: {
	candidates: MentionCandidate[];
	active: number;
	onPick: (candidate: MentionCandidate) => void;
	onHover: (index: number) => void;
}) {
	return (
		<Show when={props.candidates.length > 0}>
			<div
				id={MENTION_LIST_ID}
				role="listbox"
				aria-label="People to mention"
				class="absolute bottom-full left-0 z-20 mb-2 max-h-64 w-72 max-w-full overflow-y-auto rounded-lg bg-white p-1 shadow-lg ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-700"
			>
				<For each={props.candidates}>
					{(candidate, index) => (
						<div
							id={mentionOptionId(index())}
							role="option"
							// Focus stays in the composer (aria-activedescendant); the option is reachable from there.
							tabIndex={-1}
							aria-selected={index() === props.active}
							class="flex min-h-11 cursor-pointer items-center gap-2 rounded px-2 text-sm md:min-h-9"
							classList={{ "bg-indigo-100 dark:bg-indigo-900/60": index() === props.active }}
							// mousedown, not click: the box keeps the focus and the caret.
							onMouseDown={(e) => {
								e.preventDefault();
								props.onPick(candidate);
							}}
							onMouseMove={() => props.onHover(index())}
						>
							<Show
								when={!candidate.here}
								fallback={
									<span class="grid size-7 place-items-center rounded-full bg-amber-200 text-xs dark:bg-amber-800">
										@
									</span>
								}
							>
								<Avatar name={candidate.name} image={candidate.image} seed={candidate.id} size="sm" />
							</Show>
							<bdi class="min-w-0 flex-1 truncate font-medium">{candidate.here ? "here" : candidate.name}</bdi>
							<span class="text-xs text-zinc-600 dark:text-zinc-400">
								{candidate.here ? "everyone here now" : candidate.guest ? "guest" : ""}
							</span>
						</div>
					)}
				</For>
			</div>
		</Show>
	);
}
