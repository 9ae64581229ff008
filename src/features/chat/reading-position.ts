/** The row at the top of the reader's view and how far its top sits below the viewport's top edge. */
export type ReadingPosition = { key: string; offset: number };

/** Where the reader is reading: the first row (by `data-key`) whose bottom is below the top edge. */
export function captureReadingPosition(scroller: HTMLElement): ReadingPosition | null {
	const edge = scroller.getBoundingClientRect().top;
	for (const el of scroller.querySelectorAll<HTMLElement>("[data-key]")) {
		// Not the oldest loaded row: once older messages arrive it may join their group and lose
		// its header, so the text below it would move if it were the one held in place.
		if (el.dataset.index === "0") continue;
		const rect = el.getBoundingClientRect();
		if (rect.bottom > edge && el.dataset.key) return { key: el.dataset.key, offset: rect.top - edge };
	}
	return null;
}

/**
 * Safety net over the virtualizer's own prepend anchoring, which can land off target when the
 * page arrives mid-gesture at the top edge: for `frames` frames after older history is prepended,
 * put the row the reader was looking at back where it was. Calls `done` when it lets go.
 */
export function holdReadingPosition(scroller: HTMLElement, target: ReadingPosition, frames: number, done: () => void) {
	const correct = () => {
		const el = scroller.querySelector<HTMLElement>(`[data-key="${CSS.escape(target.key)}"]`);
		if (!el) return;
		const drift = el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - target.offset;
		if (Math.abs(drift) >= 1) scroller.scrollTop += drift;
	};
	// Rows above the reader are measured after layout, and each measurement can move them; a
	// ResizeObserver runs after layout but before paint, so a correction made there is never seen.
	const content = scroller.firstElementChild;
	const observer = new ResizeObserver(correct);
	if (content) observer.observe(content);
	const step = (left: number) => {
		correct();
		if (left > 0) requestAnimationFrame(() => step(left - 1));
		else {
			observer.disconnect();
			done();
		}
	};
	queueMicrotask(() => step(frames));
}
