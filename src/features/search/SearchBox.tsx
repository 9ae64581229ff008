import { useQueryClient } from "@tanstack/solid-query";
import { useNavigate } from "@tanstack/solid-router";
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from "solid-js";
import { type SearchHit, type SearchResult, SearchResultSchema } from "../../../api/protocol/http-api";
import { ApiRequestError, must, request } from "../../api-request";

/** Typing pauses this long before a search goes out. */
const DEBOUNCE_MS = 250;

const searchQuery = (q: string) => ({
	queryKey: ["search", q] as const,
	queryFn: () => must(request(`/api/search?${new URLSearchParams({ q })}`, SearchResultSchema)),
	staleTime: 10_000,
});

/** The hits of one room, in the order they came (newest first). */
function byRoom(hits: SearchHit[]): Array<{ roomId: string; roomName: string; hits: SearchHit[] }> {
	const groups = new Map<string, { roomId: string; roomName: string; hits: SearchHit[] }>();
	for (const hit of hits) {
		const group = groups.get(hit.roomId) ?? { roomId: hit.roomId, roomName: hit.roomName, hits: [] };
		group.hits.push(hit);
		groups.set(hit.roomId, group);
	}
	return [...groups.values()];
}

/**
 * Search across every room the user can read, in the header: `/` or Ctrl/Cmd+K focuses it,
 * results come grouped by room with the matched words marked, and choosing one opens the room
 * at that message (its permalink). Says plainly when a room's archive is behind.
 */
export function SearchBox(props: {
	/** The input's id (the page has two: the header's from sm up, the drawer's on a phone). */
	id: string;
	/** Whether `/` and Ctrl/Cmd+K focus this one. */
	shortcut?: boolean;
	class?: string;
}) {
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	let input: HTMLInputElement | undefined;
	const [text, setText] = createSignal("");
	const [open, setOpen] = createSignal(false);
	const [result, setResult] = createSignal<SearchResult | null>(null);
	const [error, setError] = createSignal<string | null>(null);
	const [searching, setSearching] = createSignal(false);

	const onKey = (event: KeyboardEvent) => {
		const target = event.target as HTMLElement | null;
		const typing = target?.closest("input, textarea, [contenteditable=true]") !== null;
		if ((event.key === "k" && (event.metaKey || event.ctrlKey)) || (event.key === "/" && !typing)) {
			event.preventDefault();
			input?.focus();
			input?.select();
		}
	};
	if (props.shortcut) {
		document.addEventListener("keydown", onKey);
		onCleanup(() => document.removeEventListener("keydown", onKey));
	}

	// Fetched through the cache into signals: reading a query's data under the router's Suspense
	// boundary would suspend the page while a search is on its way.
	createEffect(
		on(text, (value) => {
			const q = value.trim();
			if (!q) {
				setResult(null);
				setError(null);
				return;
			}
			let current = true;
			const timer = setTimeout(() => {
				setSearching(true);
				queryClient
					.fetchQuery(searchQuery(q))
					.then((found) => {
						if (!current) return;
						setResult(found);
						setError(null);
					})
					.catch((e: unknown) => {
						if (!current) return;
						setResult(null);
						setError(e instanceof ApiRequestError ? e.message : "Search is not available right now.");
					})
					.finally(() => current && setSearching(false));
			}, DEBOUNCE_MS);
			onCleanup(() => {
				current = false;
				clearTimeout(timer);
			});
		}),
	);
	const groups = createMemo(() => byRoom(result()?.hits ?? []));

	function choose(hit: SearchHit) {
		setOpen(false);
		input?.blur();
		void navigate({ to: "/rooms/$roomId/m/$seq", params: { roomId: hit.roomId, seq: hit.seq } });
	}

	return (
		<search
			class={`relative min-w-0 ${props.class ?? ""}`}
			onFocusOut={(e) => {
				if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
			}}
			onKeyDown={(e) => {
				if (e.key === "Escape" && open()) {
					e.preventDefault();
					setOpen(false);
					input?.focus();
				}
			}}
		>
			<label for={props.id} class="sr-only">
				Search messages
			</label>
			<input
				id={props.id}
				ref={input}
				type="search"
				autocomplete="off"
				placeholder="Search (/)"
				class="min-h-11 w-full rounded-lg bg-zinc-100 px-3 text-base ring-1 ring-zinc-200 outline-none placeholder:text-zinc-500 focus:ring-2 focus:ring-indigo-500 md:min-h-8 md:text-sm dark:bg-zinc-900 dark:ring-zinc-800 dark:placeholder:text-zinc-400"
				value={text()}
				onInput={(e) => {
					setText(e.currentTarget.value);
					setOpen(true);
				}}
				onFocus={() => setOpen(text().trim().length > 0)}
				aria-controls={open() && text().trim() ? `${props.id}-results` : undefined}
			/>
			<Show when={open() && text().trim()}>
				<section
					id={`${props.id}-results`}
					aria-label="Search results"
					aria-busy={searching()}
					class="absolute top-full right-0 left-0 z-50 mt-1 max-h-[70vh] overflow-y-auto rounded-lg bg-white p-2 shadow-xl ring-1 ring-zinc-200 md:right-auto md:w-[32rem] dark:bg-zinc-900 dark:ring-zinc-700"
				>
					<Show when={error()}>
						<p class="px-2 py-1 text-sm text-red-700 dark:text-red-400" role="alert">
							{error()}
						</p>
					</Show>
					<For each={result()?.behind ?? []}>
						{(room) => (
							<p
								class="mb-1 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900 dark:bg-amber-950/50 dark:text-amber-100"
								data-testid="search-behind"
							>
								Results may miss the last {room.missing} {room.missing === 1 ? "message" : "messages"} of{" "}
								<bdi>#{room.roomName}</bdi>: its search copy is catching up.
							</p>
						)}
					</For>
					<Show when={result() && groups().length === 0 && !error()}>
						<p class="px-2 py-1 text-sm text-zinc-600 dark:text-zinc-400">No messages found.</p>
					</Show>
					<For each={groups()}>
						{(group) => (
							<section class="mb-2" aria-label={`Results in #${group.roomName}`}>
								<h3 class="px-2 pt-1 text-xs font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400">
									<bdi>#{group.roomName}</bdi>
								</h3>
								<ul>
									<For each={group.hits}>
										{(hit) => (
											<li>
												<button
													type="button"
													class="block min-h-11 w-full rounded px-2 py-1.5 text-left text-sm hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-800 dark:focus-visible:bg-zinc-800"
													onClick={() => choose(hit)}
													data-testid="search-hit"
												>
													<span class="block text-xs text-zinc-600 dark:text-zinc-400">
														<bdi>{hit.author.name}</bdi> · {new Date(hit.createdAt).toLocaleString()}
													</span>
													<span dir="auto" class="block break-words [overflow-wrap:anywhere]">
														<For each={hit.snippet}>
															{(piece) =>
																piece.match ? (
																	<mark class="rounded bg-amber-200 px-0.5 text-zinc-950 dark:bg-amber-700 dark:text-white">
																		{piece.text}
																	</mark>
																) : (
																	piece.text
																)
															}
														</For>
													</span>
												</button>
											</li>
										)}
									</For>
								</ul>
							</section>
						)}
					</For>
				</section>
			</Show>
		</search>
	);
}
