import { sleep } from "./stats.ts";

export type Verdict = "ok" | "server" | "generator";
export type SearchResult<S> = { steps: S[]; best: S | null; limitedBy: "server" | "generator" | "steps" };

/**
 * Finds the highest rate a target sustains: doubles from `start` until a step fails (or `max`
 * is reached), then bisects between the last good and the first bad rate `refine` times, so
 * two targets can be compared more finely than a factor of two. A step that fails is run once
 * more before it counts: a single local stall (workerd pauses ~60 ms now and then on this kind of
 * machine) would otherwise end the search at its first step. Every loop is bounded.
 */
export async function searchRate<S>(
	start: number,
	max: number,
	refine: number,
	run: (rate: number) => Promise<S>,
	judge: (step: S) => Verdict,
): Promise<SearchResult<S>> {
	const steps: S[] = [];
	let best: S | null = null;
	let good = 0;
	let bad = Number.POSITIVE_INFINITY;
	let limitedBy: SearchResult<S>["limitedBy"] = "steps";
	const attempt = async (rate: number): Promise<[S, Verdict]> => {
		let s = await run(rate);
		steps.push(s);
		let verdict = judge(s);
		if (verdict === "server") {
			await sleep(300);
			s = await run(rate);
			steps.push(s);
			verdict = judge(s);
		}
		return [s, verdict];
	};
	for (let rate = start; rate <= max; rate *= 2) {
		const [s, verdict] = await attempt(rate);
		if (verdict !== "ok") {
			limitedBy = verdict;
			bad = rate;
			break;
		}
		best = s;
		good = rate;
		await sleep(300);
	}
	// Bisect only on server failures: a saturated generator says nothing about rates above it.
	for (let i = 0; i < refine && limitedBy === "server" && good > 0; i++) {
		const rate = Math.round((good + bad) / 2);
		const [s, verdict] = await attempt(rate);
		if (verdict === "ok") {
			best = s;
			good = rate;
		} else if (verdict === "server") bad = rate;
		else break;
		await sleep(300);
	}
	return { steps, best, limitedBy };
}
