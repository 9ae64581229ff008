import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LatestSeqMirror } from "./latest-seq-mirror";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function mirror() {
	let latest = 0;
	const copies: Array<[string, number]> = [];
	const m = new LatestSeqMirror(
		() => latest,
		async (roomId, seq) => {
			copies.push([roomId, seq]);
		},
		500,
	);
	return { m, copies, setLatest: (n: number) => (latest = n) };
}

describe("LatestSeqMirror", () => {
	it("copies a burst of batches once, with whatever is latest when it runs", () => {
		const { m, copies, setLatest } = mirror();
		for (let seq = 1; seq <= 20; seq++) {
			setLatest(seq);
			m.changed("r");
			vi.advanceTimersByTime(10);
		}
		vi.advanceTimersByTime(500);
		expect(copies).toEqual([["r", 20]]);
	});

	it("copies once on a room's first hello after waking, and not again", () => {
		const { m, copies, setLatest } = mirror();
		setLatest(7);
		m.ensureCopied("r");
		vi.advanceTimersByTime(500);
		m.ensureCopied("r");
		vi.advanceTimersByTime(500);
		expect(copies).toEqual([["r", 7]]);
	});

	it("copies nothing for a room with no messages", () => {
		const { m, copies } = mirror();
		m.ensureCopied("r");
		vi.advanceTimersByTime(5_000);
		expect(copies).toEqual([]);
	});
});
