import { createMemo, createResource, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { recentEmoji } from "./recent-emoji";

type EmojiEntry = { emoji: string; label: string; search: string };

/**
 * The emoji list from emojibase (the Unicode data with names and search tags, maintained upstream),
 * loaded the first time the picker opens: half a megabyte of JSON that most visits never need.
 * Skin-tone modifiers on their own (group 2) and lone regional indicators (no group) are left out.
 */
async function loadEmoji(): Promise<EmojiEntry[]> {
	const { default: data } = await import("emojibase-data/en/compact.json");
	return data
		.filter((e) => e.group !== undefined && e.group !== 2)
		.map((e) => ({
			emoji: e.unicode,
			label: e.label,
			search: `${e.label} ${(e.tags ?? []).join(" ")}`.toLowerCase(),
		}));
}

let cached: Promise<EmojiEntry[]> | null = null;
const emojiList = () => {
	cached ??= loadEmoji();
	return cached;
};

const WIDTH = 320;
const HEIGHT = 360;

/**
 * A small popover to pick a reaction: the reader's recent emoji first, then every emoji, with a
 * search by name and tag. Enter picks the first match; Escape or a click outside closes it.
 */
export function EmojiPicker(props: { anchor: DOMRect; onPick: (emoji: string) => void; onClose: () => void }) {
	const [all] = createResource(emojiList);
	const [query, setQuery] = createSignal("");
	const recent = recentEmoji();
	const matches = createMemo(() => {
		const list = all() ?? [];
		const q = query().trim().toLowerCase();
		return q ? list.filter((e) => e.search.includes(q)) : list;
	});
	let box: HTMLDivElement | undefined;
	let input: HTMLInputElement | undefined;

	const top = Math.max(8, Math.min(props.anchor.bottom + 4, window.innerHeight - HEIGHT - 8));
	const left = Math.max(8, Math.min(props.anchor.right - WIDTH, window.innerWidth - WIDTH - 8));

	onMount(() => input?.focus());
	const onPointer = (event: PointerEvent) => {
		if (box && !box.contains(event.target as Node)) props.onClose();
	};
	const onKey = (event: KeyboardEvent) => {
		if (event.key === "Escape") {
			event.preventDefault();
			props.onClose();
		}
	};
	document.addEventListener("pointerdown", onPointer, true);
	document.addEventListener("keydown", onKey);
	onCleanup(() => {
		document.removeEventListener("pointerdown", onPointer, true);
		document.removeEventListener("keydown", onKey);
	});

	const Choice = (p: { emoji: string; label: string }) => (
		<button
			type="button"
			class="flex size-9 items-center justify-center rounded-md text-xl hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-800"
			title={p.label}
			aria-label={p.label}
			onClick={() => props.onPick(p.emoji)}
		>
			{p.emoji}
		</button>
	);

	return (
		<div
			ref={box}
			role="dialog"
			aria-label="Choose a reaction"
			class="fixed z-50 flex flex-col gap-2 rounded-xl bg-white p-2 shadow-xl ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-700"
			style={{ top: `${top}px`, left: `${left}px`, width: `${WIDTH}px`, height: `${HEIGHT}px` }}
		>
			<input
				ref={input}
				type="search"
				aria-label="Search emoji"
				placeholder="Search emoji"
				class="w-full rounded-md bg-zinc-100 px-2 py-1.5 text-sm outline-none ring-1 ring-zinc-200 focus:ring-2 focus:ring-indigo-500 dark:bg-zinc-800 dark:ring-zinc-700"
				value={query()}
				onInput={(e) => setQuery(e.currentTarget.value)}
				onKeyDown={(e) => {
					const first = matches()[0];
					if (e.key === "Enter" && first) {
						e.preventDefault();
						props.onPick(first.emoji);
					}
				}}
			/>
			<div class="min-h-0 flex-1 overflow-y-auto">
				<Show when={!query()}>
					<p class="px-1 text-xs font-semibold text-zinc-600 dark:text-zinc-400">Recent</p>
					<div class="grid grid-cols-8">
						<For each={recent}>{(emoji) => <Choice emoji={emoji} label={emoji} />}</For>
					</div>
					<p class="px-1 pt-1 text-xs font-semibold text-zinc-600 dark:text-zinc-400">All</p>
				</Show>
				<Show when={all()} fallback={<p class="p-2 text-xs text-zinc-500">Loading…</p>}>
					<Show when={matches().length > 0} fallback={<p class="p-2 text-xs text-zinc-500">No emoji match.</p>}>
						<div class="grid grid-cols-8" data-testid="emoji-results">
							<For each={matches()}>{(e) => <Choice emoji={e.emoji} label={e.label} />}</For>
						</div>
					</Show>
				</Show>
			</div>
		</div>
	);
}
