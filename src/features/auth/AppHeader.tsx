import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { useNavigate } from "@tanstack/solid-router";
import { Show } from "solid-js";
import { Avatar } from "../../components/ui/Avatar";
import { Button } from "../../components/ui/Button";
import { authClient } from "./auth-client";
import { sessionQuery, sessionQueryKey } from "./session-queries";

export function AppHeader() {
	const me = useQuery(() => sessionQuery);
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
			<a href="/" class="flex items-center gap-2 text-lg font-bold tracking-tight">
				<img src="/favicon.svg" alt="" class="size-7" />
				Parlor
			</a>
			<Show when={me.data?.user}>
				{(user) => (
					<div class="flex items-center gap-3">
						<Avatar name={user().name} image={user().image} seed={user().id} size="sm" />
						<span class="hidden text-sm font-medium sm:inline" data-testid="current-user">
							{user().name}
						</span>
						<Show when={user().isGuest}>
							<span class="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
								Guest
							</span>
						</Show>
						<Button variant="ghost" onClick={signOut}>
							Sign out
						</Button>
					</div>
				)}
			</Show>
		</header>
	);
}
