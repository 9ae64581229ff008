import { Match, Show, Switch } from "solid-js";
import type { ConnectionState } from "./room-socket";

/** Says when live updates are not flowing, with a way to try again now instead of after the backoff. */
export function ConnectionBanner(props: { state: ConnectionState; onReconnect: () => void }) {
	return (
		<Show when={props.state !== "open" && props.state !== "closed"}>
			<div
				role="status"
				class="flex items-center justify-between gap-3 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-100"
				data-state={props.state}
			>
				<span>
					<Switch>
						<Match when={props.state === "connecting"}>Connecting…</Match>
						<Match when={props.state === "reconnecting"}>Connection lost. Reconnecting…</Match>
						<Match when={props.state === "offline"}>You are offline. Messages will be sent when you are back.</Match>
						<Match when={props.state === "outdated"}>Parlor was updated. Reload the page to keep chatting.</Match>
						<Match when={props.state === "displaced"}>
							This room is open in too many tabs or devices, so this one was disconnected.
						</Match>
					</Switch>
				</span>
				<Show when={props.state !== "connecting"}>
					<button
						type="button"
						class="font-semibold underline"
						onClick={() => (props.state === "outdated" ? window.location.reload() : props.onReconnect())}
					>
						{props.state === "outdated" ? "Reload" : props.state === "displaced" ? "Use it here" : "Reconnect now"}
					</button>
				</Show>
			</div>
		</Show>
	);
}
