import type { QueryClient } from "@tanstack/solid-query";
import { createRootRouteWithContext, Outlet } from "@tanstack/solid-router";

export type RouterContext = { queryClient: QueryClient };

export const Route = createRootRouteWithContext<RouterContext>()({
	component: () => <Outlet />,
	notFoundComponent: () => (
		<main class="grid h-full place-items-center p-6 text-center">
			<div>
				<h1 class="text-2xl font-semibold">Page not found</h1>
				<a class="mt-4 inline-block text-indigo-600 underline dark:text-indigo-400" href="/">
					Back to Parlor
				</a>
			</div>
		</main>
	),
});
