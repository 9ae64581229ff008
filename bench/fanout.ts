import { searchRate } from "./lib/rate-search.ts";
import { closeAll, idsIn, messageText, openMany, type Target } from "./lib/room-clients.ts";
import { cpuMeter, GENERATOR_SATURATED, percentile, round, sendOnSchedule, sleep } from "./lib/stats.ts";

export type FanoutStep = {
	sockets: number;
	publishRate: number;
	deliveredPerSec: number;
	p50: number;
	p99: number;
	lost: number;
	generatorCpu: number;
	generatorSaturated: boolean;
};

/**
 * One open-loop step: a publisher sends `rate` messages/s on a fixed schedule for `seconds`;
 * each of `sockets` receivers records latency from the scheduled send time (so a stalled server
 * cannot hide its queueing delay), and the step waits a moment for stragglers.
 */
async function step(
	receivers: import("ws").WebSocket[],
	publisher: import("ws").WebSocket,
	target: Target,
	rate: number,
	seconds: number,
	idBase: number,
): Promise<FanoutStep> {
	const total = Math.round(rate * seconds);
	const scheduled = new Float64Array(total);
	const latencies: number[] = [];
	let received = 0;
	const onMessage = (data: import("ws").RawData) => {
		const now = performance.now();
		for (const id of idsIn(String(data))) {
			const i = id - idBase;
			if (i < 0 || i >= total) continue;
			received++;
			latencies.push(now - (scheduled[i] ?? 0));
		}
	};
	for (const ws of receivers) ws.on("message", onMessage);
	const cpu = cpuMeter();
	const start = performance.now();
	await sendOnSchedule(
		total,
		rate,
		(i) => publisher.send(target.frame(idBase + i, messageText(idBase + i))),
		scheduled,
	);
	const expected = total * receivers.length;
	const deadline = performance.now() + 3000;
	while (received < expected && performance.now() < deadline) await sleep(20);
	const elapsed = (performance.now() - start) / 1000;
	const generatorCpu = cpu();
	for (const ws of receivers) ws.off("message", onMessage);
	return {
		sockets: receivers.length,
		publishRate: rate,
		deliveredPerSec: round(received / Math.max(seconds, elapsed - 0)),
		p50: round(percentile(latencies, 50), 2),
		p99: round(percentile(latencies, 99), 2),
		lost: expected - received,
		generatorCpu: round(generatorCpu, 2),
		generatorSaturated: generatorCpu > GENERATOR_SATURATED,
	};
}

export type FanoutResult = {
	target: string;
	sockets: number;
	steps: FanoutStep[];
	/** Highest delivered messages/s in a step with p99 <= 50 ms, nothing lost, generator not saturated. */
	best: FanoutStep | null;
	half: FanoutStep | null;
	limitedBy: "server" | "generator" | "steps";
};

const P99_LIMIT_MS = 50;
let nextId = 1_000_000;

/** Searches publish rates from `start` (doubling, then bisecting) up to `max` publishes/s. */
export async function fanout(
	target: Target,
	sockets: number,
	start: number,
	max: number,
	seconds: number,
	refine: number,
): Promise<FanoutResult> {
	const receivers = await openMany(sockets, () => target.openReceiver());
	const publisher = await target.openPublisher();
	const run = async (rate: number) => {
		const s = await step(receivers, publisher, target, rate, seconds, nextId);
		nextId += 10_000_000;
		return s;
	};
	try {
		// Warm-up, not recorded.
		await run(start);
		const { steps, best, limitedBy } = await searchRate(start, max, refine, run, (s) =>
			s.generatorSaturated ? "generator" : s.p99 <= P99_LIMIT_MS && s.lost === 0 ? "ok" : "server",
		);
		const half = best ? await run(best.publishRate / 2) : null;
		return { target: target.name, sockets, steps, best, half, limitedBy };
	} finally {
		closeAll([...receivers, publisher]);
		await sleep(500);
	}
}
