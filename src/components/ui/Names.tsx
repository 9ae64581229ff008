import { Show } from "solid-js";
import { nameNeedsId } from "../../../api/protocol/display-text";

/** A person's name as other people see it: isolated, cut short with an ellipsis, and marked when it is a guest's. */
export function UserName(props: { name: string; guest?: boolean; class?: string }) {
	return (
		<span class={`inline-flex min-w-0 items-baseline gap-1.5 ${props.class ?? ""}`}>
			<bdi class="min-w-0 truncate">{props.name}</bdi>
			<Show when={props.guest}>
				<span class="shrink-0 rounded bg-zinc-100 px-1 text-[0.7rem] leading-4 font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
					guest
				</span>
			</Show>
		</span>
	);
}

/**
 * A room's name, isolated; when it has characters outside plain ASCII (and could pass for another
 * room's), its id follows, which is always plain ASCII and unique.
 */
export function RoomName(props: { name: string; id: string; class?: string }) {
	return (
		<span class={`inline-flex min-w-0 items-baseline gap-1.5 ${props.class ?? ""}`}>
			<bdi class="min-w-0 truncate">{props.name}</bdi>
			<Show when={nameNeedsId(props.name)}>
				<span class="shrink-0 font-mono text-xs font-normal text-zinc-600 dark:text-zinc-400">{props.id}</span>
			</Show>
		</span>
	);
}
