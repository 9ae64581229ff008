import { useQueryClient } from "@tanstack/solid-query";
import { useNavigate } from "@tanstack/solid-router";
import { Show } from "solid-js";
import { Avatar } from "../../components/ui/Avatar";
import { Button } from "../../components/ui/Button";
import { createQueryData } from "../../query-data";
import { authClient } from "./auth-client";
import { sessionQuery, sessionQueryKey } from "./session-queries";

/** The top bar: the rooms drawer toggle (small screens), the brand, and who is signed in. */
export function AppHeader(props: { roomsOpen?: boolean; onToggleRooms?: () => void }) {
	// Read through a signal, not the query's resource: the header sits above the room's Suspense
	// boundary, and a resource read here re-suspends the page and resets the message list.
	const { data: me } = createQueryData(() => sessionQuery);
	const queryClient = useQueryClient();
	const navigate = useNavigate();

	async function signOut() {
		await authClient.signOut();
		queryClient.setQueryData(sessionQueryKey, null);
		queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
		await navigate({ to: "/sign-in", search: { redirect: undefined } });
	}

	return (
		<header class="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
			<div class="flex items-center gap-2">
				<Show when={props.onToggleRooms}>
					<button
						type="button"
						class="rounded-md px-2 py-1 text-sm font-medium text-zinc-700 hover:bg-zinc-100 md:hidden dark:text-zinc-300 dark:hover:bg-zinc-800"
						aria-expanded={props.roomsOpen ?? false}
						aria-controls="rooms-drawer"
						onClick={() => props.onToggleRooms?.()}
					>
						Rooms
					</button>
				</Show>
				<a href="/" class="flex items-center gap-2 text-lg font-bold tracking-tight">
					<img src="/favicon.svg" alt="" class="size-7" />
					Parlor
				</a>
			</div>
			<Show when={me()?.user}>
				{(user) => (
					<div class="flex items-center gap-2 sm:gap-3">
						<Avatar name={user().name} image={user().image} seed={user().id} size="sm" />
						<span class="hidden text-sm font-medium sm:inline" data-testid="current-user">
							{user().name}
						</span>
						<Show when={user().isGuest}>
							<span class="hidden rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium sm:inline text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
								Guest
							</span>
						</Show>
						<Button variant="ghost" class="whitespace-nowrap" onClick={signOut}>
							Sign out
						</Button>
					</div>
				)}
			</Show>
		</header>
	);
}
