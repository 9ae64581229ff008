import { type QueryKey, type UndefinedInitialDataOptions, useQuery, useQueryClient } from "@tanstack/solid-query";
import { createSignal, onCleanup } from "solid-js";

/**
 * A query whose data is read straight from the cache through a signal, with the query itself
 * used only for fetching, polling and status. Solid Query serves `query.data` through a resource
 * that re-enters its loading state on every cache write; under the router's Suspense boundary
 * that detaches and re-attaches the page, which resets the message list's scroll position. A
 * polled query (the sidebar's room list) would do that every few seconds. See room-history.ts.
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
	const read = () => queryClient.getQueryData<TData>(options().queryKey);
	const [data, setData] = createSignal<TData | undefined>(read());
	const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
		if (event.query.queryHash === JSON.stringify(options().queryKey)) setData(() => read());
	});
	onCleanup(unsubscribe);
	return { query, data };
}
