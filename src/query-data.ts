import {
	type QueryClient,
	type QueryKey,
	type UndefinedInitialDataOptions,
	useQuery,
	useQueryClient,
} from "@tanstack/solid-query";
import { type Accessor, createSignal, onCleanup } from "solid-js";

/**
 * The cached data under `key` as a signal, updated on every cache write to that query. Cache
 * writes make new objects, so readers recompute only when the data really changed.
 */
export function createCacheSignal<TData>(queryClient: QueryClient, key: QueryKey): Accessor<TData | undefined> {
	const read = () => queryClient.getQueryData<TData>(key);
	const [data, setData] = createSignal<TData | undefined>(read());
	const hash = JSON.stringify(key);
	const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
		if (event.query.queryHash === hash) setData(() => read());
	});
	onCleanup(unsubscribe);
	return data;
}

/**
 * A query whose data is read straight from the cache through a signal, with the query itself
 * used only for fetching, polling and status. Solid Query serves `query.data` through a resource
 * that re-enters its loading state on every cache write; under the router's Suspense boundary
 * that detaches and re-attaches the page, which resets the message list's scroll position. A
 * polled query (the sidebar's room list) would do that every few seconds. The key is read once:
 * callers with another key mount a new component.
 */
export function createQueryData<TData, TKey extends QueryKey>(
	options: UndefinedInitialDataOptions<TData, Error, TData, TKey>,
) {
	const queryClient = useQueryClient();
	// Only status notifies: the data reaches the view through the signal below.
	const query = useQuery(() => ({
		...options(),
		notifyOnChangeProps: ["status", "error", "isError", "isPending", "isSuccess"],
	}));
	return { query, data: createCacheSignal<TData>(queryClient, options().queryKey) };
}
