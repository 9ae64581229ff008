import { createFileRoute } from "@tanstack/solid-router";
import { Show } from "solid-js";
import { AppHeader } from "../../features/auth/AppHeader";

export const Route = createFileRoute("/_authed/")({
	component: HomePage,
});

function HomePage() {
	const context = Route.useRouteContext();
	return (
		<div class="flex h-full flex-col">
			<AppHeader />
			<main class="mx-auto w-full max-w-2xl flex-1 p-6">
				<h1 class="text-2xl font-semibold">Welcome, {context().me.user.name}</h1>
				<p class="mt-2 text-zinc-600 dark:text-zinc-400">
					<Show when={context().me.user.isGuest} fallback={<>You are signed in as {context().me.user.email}.</>}>
						You are signed in as a guest.
					</Show>
				</p>
			</main>
		</div>
	);
}
