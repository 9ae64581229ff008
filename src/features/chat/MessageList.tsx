import { createVirtualizer } from "@tanstack/solid-virtual";
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import { sameKeys } from "../../same-keys";
import type { ChatRow } from "./chat-rows";
import { MessageRow } from "./MessageRow";
import type { MessageActions } from "./message-actions";
import { captureReadingPosition, holdReadingPosition, type ReadingPosition } from "./reading-position";

/** Within this many px of the end, the list is at the end. */
const END_THRESHOLD = 48;
/** After the reader turns the wheel up (or presses a key that scrolls up), the end is not re-entered for this long. */
const READER_SCROLL_MS = 250;

/** Rows this close to the top (or, in a window, the bottom) load the next page before the reader hits the edge. */
const LOAD_OLDER_WITHIN = 3;
/** Frames a permalinked message is held in view while the rows around it measure. */
const PIN_FRAMES = 12;

const estimateSize = (row: ChatRow | undefined) =>
	row?.kind === "day" ? 36 : row?.kind === "unread" ? 24 : row && "grouped" in row && row.grouped ? 28 : 60;

/**
 * The room's messages as a virtualized, end-anchored list (see readme_assets/docs/chat-virtualization.md):
 * only rows near the viewport are in the DOM; it follows new messages only when the reader is at
 * the bottom; prepending older history keeps the row under the reader's eye where it was.
 */
export function MessageList(props: {
	rows: ChatRow[];
	/** Seq of the newest stored message, to count what arrived while the reader was scrolled up. */
	latestSeq: number | null;
	hasOlder: boolean;
	loadingOlder: boolean;
	onLoadOlder: () => void;
	/** A window around an old message: newer pages load as the reader scrolls down. */
	hasNewer?: boolean;
	loadingNewer?: boolean;
	onLoadNewer?: () => void;
	/** Leave a window for the live end of the room ("Jump to present" when the window does not reach it). */
	onJumpToPresent?: () => void;
	/** The message a permalink (or a jump to a reply's parent) opened at: shown centred and marked. */
	anchorSeq?: number | null;
	actions: MessageActions;
	/** Changes whenever this user sends: their own message always brings the list to the bottom. */
	sentCount: number;
	/** Told whenever the reader reaches or leaves the bottom, where everything loaded has been seen. */
	onAtEndChange?: (atEnd: boolean) => void;
}) {
	let scrollElement: HTMLDivElement | undefined;
	const [atEnd, setAtEnd] = createSignal(true);
	const [seenSeq, setSeenSeq] = createSignal<number | null>(null);
	// Older pages load only after the first scroll to the latest message has landed; otherwise the
	// list, still at the top while that scroll runs, would load (and anchor to) old history.
	const [settled, setSettled] = createSignal(false);

	/** The room's live end, not a window opened at a message (a permalink), which is not followed. */
	const atLiveEnd = () => props.anchorSeq === null || props.anchorSeq === undefined;
	/** The frame `keepAtEnd` waits for, if one is pending. */
	let keepFrame = 0;
	/**
	 * When the reader last turned the wheel up or pressed a key that scrolls up. The browser plays
	 * a wheel step over several frames; in a room taking 100 messages a second the next follow
	 * scroll cancelled it while it was still within the end's 48 px, and the reader could not
	 * scroll up at all. So the intent is taken at once: the list leaves the end, stops following,
	 * and does not count itself back at the end until the step has played.
	 */
	let readerUpAt = Number.NEGATIVE_INFINITY;
	const goingUp = () => performance.now() - readerUpAt < READER_SCROLL_MS;
	function readerUp() {
		readerUpAt = performance.now();
		if (atEnd() && settled()) setAtEnd(false);
	}

	// The virtualizer asks for every row's key and estimate each time it re-lays out (once per
	// measured row): reading them from a plain array, taken when it reads the count, keeps that
	// loop cheap for a 100k-message history instead of going through the props proxy per row.
	let layoutRows: ChatRow[] = [];
	const virtualizer = createVirtualizer({
		get count() {
			layoutRows = props.rows;
			return layoutRows.length;
		},
		getScrollElement: () => scrollElement ?? null,
		estimateSize: (index) => estimateSize(layoutRows[index]),
		getItemKey: (index) => layoutRows[index]?.key ?? index,
		anchorTo: "end",
		// The list's viewport is unknown until it is laid out; without a guess the first render holds
		// only the overscan rows, and the rest follow a layout later. The window bounds it from above.
		initialRect: { width: window.innerWidth, height: window.innerHeight },
		// A room opens at its newest messages: laid out from the end at once, its first render is
		// the rows that will show, not the page's oldest (rendered, then replaced by scrollToEnd).
		initialOffset: () => (atLiveEnd() ? props.rows.reduce((sum, row) => sum + estimateSize(row), 0) : 0),
		// A new row is measured by the ResizeObserver, which reports its size after layout and before
		// the frame paints, for all new rows at once. The default reads offsetHeight when a row
		// mounts, forcing one layout per row: in a busy room that was a fifth of the page's time.
		measureElement: (element, entry, instance) => {
			const box = entry?.borderBoxSize?.[0];
			if (box) return Math.round(box.blockSize);
			const index = instance.indexFromElement(element);
			return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? estimateSize(layoutRows[index]);
		},
		// Following new rows is for the room's live end, while the reader is at it. A window opened
		// at a message keeps that message where it is: newer pages and live messages are appended
		// below it, not followed.
		get followOnAppend() {
			return atLiveEnd() && atEnd();
		},
		scrollEndThreshold: END_THRESHOLD,
		overscan: 8,
		onChange: (instance) => {
			if (!atEnd() || !settled()) {
				if (instance.isAtEnd() && !goingUp()) reachedEnd();
			}
			keepAtEnd();
			maybeLoadOlder();
			maybeLoadNewer();
		},
	});

	/**
	 * The virtualizer follows an append only from within its threshold of the end. In a busy room
	 * rows at the bottom keep growing (reactions, replies) while a follow scroll is still landing,
	 * and once an append finds the list short of the end, no later one is followed, though the
	 * reader never scrolled. A reader who has not moved up is brought back to the end, at
	 * most once a frame; the check waits for the frame so a scroll up is known by then (`onScroll`).
	 */
	function keepAtEnd() {
		if (keepFrame !== 0 || !settled() || !atEnd() || !atLiveEnd()) return;
		keepFrame = requestAnimationFrame(() => {
			keepFrame = 0;
			if (atEnd() && atLiveEnd() && !virtualizer.isAtEnd()) virtualizer.scrollToEnd();
		});
	}
	onCleanup(() => cancelAnimationFrame(keepFrame));

	function reachedEnd() {
		setAtEnd(true);
		setSeenSeq(props.latestSeq);
		setSettled(true);
	}
	let lastScrollTop = 0;
	/**
	 * On every scroll: at the end is at the end; the list leaves it only by moving up. Every
	 * appended message leaves the list short of the end for a frame, until the follow scroll lands
	 * (downwards); counting that as "scrolled up" would flip the "Jump to present" button and the
	 * tab title's count twice per message (measured at a third of the frame rate in a busy room).
	 */
	function onScroll() {
		// The virtualizer's own scroll state (its listener runs first): reading the element's sizes
		// here would force a layout on every scroll, and a busy room scrolls once per message.
		const top = virtualizer.scrollOffset ?? 0;
		const movedUp = top < lastScrollTop - 1;
		lastScrollTop = top;
		const distance = virtualizer.getTotalSize() - top - (virtualizer.scrollRect?.height ?? 0);
		if (distance <= END_THRESHOLD) {
			if (!goingUp()) reachedEnd();
		} else if (movedUp && atEnd() && leftTheEnd()) setAtEnd(false);
	}

	/**
	 * Whether the list really is above its end, by the element's own geometry. The virtualizer's
	 * figures can be a frame apart from the page's (rows counted but not laid out yet, a size not
	 * yet observed), and a scroll the browser made only to clamp a list that shrank must not read as
	 * the reader leaving: once it did, the list stopped following a busy room (the benchmark's
	 * jump button counted 1,185 of a burst's 1,200 messages). Asked only on the way out, so rarely.
	 */
	function leftTheEnd(): boolean {
		const el = scrollElement;
		return !el || el.scrollHeight - el.scrollTop - el.clientHeight > END_THRESHOLD;
	}

	/** The row the reader is on when older history is asked for, held in place when it lands. */
	let readingPosition: ReadingPosition | null = null;
	let holding = false;
	const capture = () => (scrollElement ? captureReadingPosition(scrollElement) : null);
	function hold(frames: number) {
		if (!readingPosition || !scrollElement) return;
		holding = true;
		holdReadingPosition(scrollElement, readingPosition, frames, () => {
			holding = false;
		});
	}

	// Right after a page is prepended the list is still at the top for a frame or two, until the
	// virtualizer writes the anchored scroll position; loading again in that window would prepend
	// before the anchor lands and move the reader's message.
	const [cooling, setCooling] = createSignal(false);
	function maybeLoadOlder() {
		const first = virtualizer.getVirtualItems()[0];
		const nearTop = first !== undefined && first.index <= LOAD_OLDER_WITHIN;
		if (settled() && !cooling() && nearTop && props.hasOlder && !props.loadingOlder) {
			readingPosition = capture();
			props.onLoadOlder();
		}
	}
	function maybeLoadNewer() {
		const last = virtualizer.getVirtualItems().at(-1);
		const nearEnd = last !== undefined && last.index >= props.rows.length - 1 - LOAD_OLDER_WITHIN;
		if (settled() && nearEnd && props.hasNewer && !props.loadingNewer) props.onLoadNewer?.();
	}
	createEffect(
		on(
			() => props.loadingOlder,
			(loading, wasLoading) => {
				if (loading || !wasLoading) return;
				hold(6);
				setCooling(true);
				const done = () => {
					clearTimeout(timer);
					scrollElement?.removeEventListener("scroll", done);
					setCooling(false);
					maybeLoadOlder();
				};
				// The anchored position lands as a scroll; if nothing needed to move, a moment is enough.
				const timer = setTimeout(done, 300);
				scrollElement?.addEventListener("scroll", done, { once: true });
			},
		),
	);

	// A row changes size at its top (its author header appears or goes as grouping changes when
	// older messages are prepended), so a row whose top is at or above the viewport's top edge
	// must shift the scroll position by its change, or everything under the reader's eye moves.
	virtualizer.shouldAdjustScrollPositionOnItemSizeChange = (item, _delta, instance) =>
		item.start <= (instance.scrollOffset ?? 0);

	createEffect(() => props.onAtEndChange?.(atEnd()));

	/**
	 * Centres the anchored message, again each frame while the rows around it measure (each one can
	 * move it), until it has stayed put for two frames; then lets the reader go.
	 */
	function pinAnchor(seq: number) {
		let frames = PIN_FRAMES;
		let still = 0;
		let lastTop: number | null = null;
		const step = () => {
			const index = props.rows.findIndex((row) => row.kind === "message" && row.message.seq >= seq);
			if (index >= 0) virtualizer.scrollToIndex(index, { align: "center" });
			const top = scrollElement?.querySelector(`article[data-seq="${seq}"]`)?.getBoundingClientRect().top ?? null;
			still = top !== null && top === lastTop ? still + 1 : 0;
			lastTop = top;
			if (frames-- > 0 && still < 2) requestAnimationFrame(step);
			else setSettled(true);
		};
		step();
	}

	onMount(() => {
		const anchor = props.anchorSeq;
		if (anchor !== null && anchor !== undefined) pinAnchor(anchor);
		else virtualizer.scrollToEnd();
		// While a page is on its way the reader may keep scrolling: remember where they end up.
		scrollElement?.addEventListener("scroll", () => {
			onScroll();
			if (props.loadingOlder && !holding) readingPosition = capture();
		});
		// Passive, so a wheel step is never held up by the list (Solid's onWheel would not be).
		scrollElement?.addEventListener(
			"wheel",
			(event) => {
				if (event.deltaY < 0) readerUp();
			},
			{ passive: true },
		);
	});

	// Reading at the bottom means everything is seen; scrolled up, newer messages are counted.
	createEffect(
		on(
			() => props.latestSeq,
			(latest) => {
				if (atEnd() || seenSeq() === null) setSeenSeq(latest);
			},
		),
	);
	createEffect(
		on(
			() => props.sentCount,
			() => virtualizer.scrollToEnd(),
			{ defer: true },
		),
	);

	// Counted from the end, and only while scrolled up: the rows after `seen` are the newest few.
	const unseen = createMemo(() => {
		const latest = props.latestSeq;
		const seen = seenSeq();
		if (atEnd() || latest === null || seen === null || latest <= seen) return 0;
		let count = 0;
		for (let i = props.rows.length - 1; i >= 0; i--) {
			const row = props.rows[i];
			if (row?.kind !== "message") continue;
			if (row.message.seq <= seen) break;
			count++;
		}
		return count;
	});

	/**
	 * To the very bottom, however rows re-measure on the way: the virtualizer's own scroll lands on
	 * estimated sizes, so it is repeated on the next frames until nothing is left below.
	 */
	function toPresent(behavior: ScrollBehavior = "auto") {
		virtualizer.scrollToEnd({ behavior });
		let frames = 6;
		const settle = () => {
			const el = scrollElement;
			if (!el || frames-- <= 0) return;
			if (el.scrollHeight - el.scrollTop - el.clientHeight > 1) virtualizer.scrollToEnd();
			requestAnimationFrame(settle);
		};
		requestAnimationFrame(settle);
	}

	/** End reaches the very bottom; arrow keys move between messages (each shows its time and, later, actions). */
	function onKeyDown(event: KeyboardEvent) {
		if (["ArrowUp", "PageUp", "Home"].includes(event.key) || (event.key === " " && event.shiftKey)) readerUp();
		if (event.key === "End") {
			event.preventDefault();
			toPresent();
			return;
		}
		if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
		const articles = [...(scrollElement?.querySelectorAll<HTMLElement>("article[data-seq]") ?? [])];
		if (articles.length === 0) return;
		const at = articles.indexOf(document.activeElement as HTMLElement);
		const next =
			at === -1
				? articles[event.key === "ArrowUp" ? articles.length - 1 : 0]
				: articles[at + (event.key === "ArrowUp" ? -1 : 1)];
		if (!next) return;
		event.preventDefault();
		next.focus({ preventScroll: true });
		next.scrollIntoView({ block: "nearest" });
	}

	const items = () => virtualizer.getVirtualItems();
	// Rendered by row key, not by virtual item: the virtualizer hands out new item objects on every
	// change, and keying the DOM by them would rebuild every visible row for each incoming message.
	const itemsByKey = createMemo(() => new Map(items().map((item) => [String(item.key), item])));
	const visibleKeys = createMemo(() => items().map((item) => String(item.key)), [], { equals: sameKeys });

	return (
		<div class="relative min-h-0 flex-1">
			<div
				ref={scrollElement}
				// A column whose content sits at the bottom: a room with a few messages shows them just
				// above the composer, as a chat does, not at the top of an empty page.
				class="flex h-full flex-col overflow-y-auto overscroll-contain [overflow-anchor:none]"
				onKeyDown={onKeyDown}
				role="log"
				aria-label="Messages"
				aria-busy={props.loadingOlder}
				data-testid="message-scroller"
				data-rows={props.rows.length}
				// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
				tabIndex={0}
			>
				<div class="relative mt-auto w-full shrink-0" style={{ height: `${virtualizer.getTotalSize()}px` }}>
					<div class="absolute top-0 left-0 w-full" style={{ transform: `translateY(${items()[0]?.start ?? 0}px)` }}>
						<For each={visibleKeys()}>
							{(key) => {
								const item = () => itemsByKey().get(key);
								const row = () => {
									const index = item()?.index;
									return index === undefined ? undefined : props.rows[index];
								};
								return (
									<div
										data-index={item()?.index}
										data-key={key}
										// The virtualizer keeps observing the element's size from here on.
										ref={(el) => queueMicrotask(() => virtualizer.measureElement(el))}
									>
										<Show when={row()}>
											{(r) => (
												<MessageRow
													row={r()}
													actions={props.actions}
													highlighted={(() => {
														const row = r();
														return row.kind === "message" && row.message.seq === props.anchorSeq;
													})()}
												/>
											)}
										</Show>
									</div>
								);
							}}
						</For>
					</div>
				</div>
			</div>
			{/* Over the list, not in it: a row above the messages would push them down by its height. */}
			<Show when={props.loadingOlder}>
				<p class="pointer-events-none absolute top-2 left-1/2 -translate-x-1/2 rounded-full bg-white px-3 py-1 text-xs text-zinc-700 shadow ring-1 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-300 dark:ring-zinc-800">
					Loading older messages…
				</p>
			</Show>
			{/* Scrolled up, even with nothing new: a way back to the newest message. */}
			{/* In a window opened at a message it is always there: it is the way back to the live room. */}
			<Show when={(!atEnd() && settled()) || props.onJumpToPresent !== undefined}>
				<button
					type="button"
					class="absolute bottom-3 left-1/2 min-h-11 -translate-x-1/2 rounded-full bg-indigo-600 px-4 py-1.5 text-sm font-semibold whitespace-nowrap text-white shadow-lg hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 md:min-h-0"
					onClick={() => (props.onJumpToPresent ? props.onJumpToPresent() : toPresent("smooth"))}
				>
					<Show when={unseen() > 0 && !props.hasNewer} fallback="Jump to present ↓">
						{unseen()} new {unseen() === 1 ? "message" : "messages"} ↓
					</Show>
				</button>
			</Show>
		</div>
	);
}
