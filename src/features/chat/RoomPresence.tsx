import { For, Show } from "solid-js";
import { userLabel } from "../../../api/protocol/display-text";
import type { Author } from "../../../api/protocol/room-protocol";
import { Avatar } from "../../components/ui/Avatar";
import { typingLabel } from "./typing";

const SHOWN_AVATARS = 4;

/** Who is here now: a few faces and a count (of everyone, though a big room names only some). */
export function PresenceSummary(props: { users: Author[]; total: number }) {
	// Each name isolated: one right-to-left name must not reorder the whole list.
	const names = () => props.users.map(userLabel).join(", ");
	return (
		<Show when={props.users.length > 0}>
			<div class="flex items-center gap-2" title={names()} data-testid="presence">
				<div class="hidden -space-x-2 sm:flex" aria-hidden="true">
					<For each={props.users.slice(0, SHOWN_AVATARS)}>
						{(user) => (
							<span class="rounded-full ring-2 ring-white dark:ring-zinc-950">
								<Avatar name={user.name} image={user.image} seed={user.id} size="sm" />
							</span>
						)}
					</For>
				</div>
				<span class="text-xs whitespace-nowrap text-zinc-600 dark:text-zinc-400">
					<span class="sr-only">Here now: {names()}. </span>
					{Math.max(props.total, props.users.length)} here
				</span>
			</div>
		</Show>
	);
}

/** "Ada is typing…" above the composer; a fixed height so the list does not jump when it appears. */
export function TypingLine(props: { users: Author[] }) {
	return (
		<p
			class="h-5 truncate px-4 text-xs text-zinc-600 italic dark:text-zinc-400"
			aria-live="polite"
			data-testid="typing"
		>
			{typingLabel(props.users)}
		</p>
	);
}
