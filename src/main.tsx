import { QueryClient, QueryClientProvider } from "@tanstack/solid-query";
import { createRouter, RouterProvider } from "@tanstack/solid-router";
import { render } from "solid-js/web";
import { seedFromBoot } from "./boot-data";
import { startEarlyRequests } from "./early-requests";
import { routeTree } from "./routeTree.gen";
import "./styles.css";

const queryClient = new QueryClient({
	defaultOptions: { queries: { staleTime: 30_000, retry: 1 } },
});

// The page usually carries the first screen's data; without it, its requests start right here.
if (!seedFromBoot(queryClient)) startEarlyRequests(queryClient, window.location.pathname);

const router = createRouter({
	routeTree,
	context: { queryClient },
	defaultPreload: "intent",
	// Loaders read through TanStack Query, which owns caching; the router should always ask it.
	defaultPreloadStaleTime: 0,
	// The page itself never scrolls: each list keeps its own place (the room's list by message).
	// Restoration would read sessionStorage at start and record every scroll event, for nothing.
	scrollRestoration: false,
});

declare module "@tanstack/solid-router" {
	interface Register {
		router: typeof router;
	}
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

render(
	() => (
		<QueryClientProvider client={queryClient}>
			<RouterProvider router={router} />
		</QueryClientProvider>
	),
	root,
);
