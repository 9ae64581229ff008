/** Percentile by nearest rank over a copy, so callers can keep their sample order. */
export function percentile(samples: number[], p: number): number {
	if (samples.length === 0) return Number.NaN;
	const sorted = Float64Array.from(samples).sort();
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank] ?? Number.NaN;
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

/** CPU share of this (generator) process over a window, in cores (1.0 = one core fully busy). */
export function cpuMeter(): () => number {
	const start = process.cpuUsage();
	const t0 = performance.now();
	return () => {
		const used = process.cpuUsage(start);
		return (used.user + used.system) / 1000 / (performance.now() - t0);
	};
}

/** Above this the load generator itself is the bottleneck and the step says nothing about the server. */
export const GENERATOR_SATURATED = 0.9;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Open loop: calls `send(i)` for i in 0..total-1 on a fixed schedule of `rate` per second, whether
 * or not the server keeps up, and fills `scheduled` with each send's due time, from which latency
 * is measured (so a server that falls behind cannot hide its queue).
 */
export async function sendOnSchedule(
	total: number,
	rate: number,
	send: (i: number) => void,
	scheduled = new Float64Array(total),
): Promise<Float64Array> {
	const start = performance.now();
	const interval = 1000 / rate;
	for (let i = 0; i < total; i++) {
		const due = start + i * interval;
		const wait = due - performance.now();
		if (wait > 1) await sleep(wait);
		scheduled[i] = due;
		send(i);
	}
	return scheduled;
}

/** Runs per figure for the server benchmarks: local runs vary by ±30%, so each is the median of three. */
export const ROUNDS = 3;

/**
 * Of several runs of one figure, the run whose `key` is the median (so its other fields belong
 * to the same run), with that figure's spread across the runs and each run's value, in order.
 */
export function medianRun<T>(runs: T[], key: (run: T) => number): T & { spread: [number, number]; values: number[] } {
	const values = runs.map(key);
	const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
	const mid = order[Math.floor((order.length - 1) / 2)];
	const run = runs[mid?.[1] ?? 0];
	if (run === undefined) throw new Error("medianRun: no runs");
	return { ...run, spread: [round(order[0]?.[0] ?? 0, 2), round(order.at(-1)?.[0] ?? 0, 2)], values };
}
