import type WebSocket from "ws";
import { searchRate, type Verdict } from "./lib/rate-search.ts";
import { closeAll, messageText, openMany, type Target } from "./lib/room-clients.ts";
import { cpuMeter, GENERATOR_SATURATED, percentile, round, sendOnSchedule, sleep } from "./lib/stats.ts";

export type IngestStep = {
	offered: number;
	ackedPerSec: number;
	p50: number;
	p99: number;
	unacked: number;
	/** Whether every send was acked in the end (within 30 s after the step). */
	drained: boolean;
	generatorCpu: number;
	generatorSaturated: boolean;
};

let nextId = 1;

/**
 * Open-loop persisted writes into one room from `publishers` sockets; an ack means the row is
 * stored durably (the room acks in the same turn as the insert, after the output gate).
 */
async function step(pubs: WebSocket[], target: Target, rate: number, seconds: number): Promise<IngestStep> {
	const total = Math.round(rate * seconds);
	const base = nextId;
	nextId += total;
	const scheduled = new Float64Array(total);
	const latencies: number[] = [];
	const onMessage = (data: WebSocket.RawData) => {
		const id = target.ackId(String(data));
		if (id === null) return;
		const i = id - base;
		if (i >= 0 && i < total) latencies.push(performance.now() - (scheduled[i] ?? 0));
	};
	for (const ws of pubs) ws.on("message", onMessage);
	const cpu = cpuMeter();
	await sendOnSchedule(
		total,
		rate,
		(i) => pubs[i % pubs.length]?.send(target.frame(base + i, messageText(base + i))),
		scheduled,
	);
	const deadline = performance.now() + 3000;
	while (latencies.length < total && performance.now() < deadline) await sleep(20);
	const generatorCpu = cpu();
	const acked = latencies.length;
	// An overloaded target still has a backlog: let it drain (not counted) so the next step
	// measures that step, not this one's queue. Bounded; a target that never drains ends the search.
	const drainBy = performance.now() + 30_000;
	while (latencies.length < total && performance.now() < drainBy) await sleep(50);
	for (const ws of pubs) ws.off("message", onMessage);
	return {
		offered: rate,
		ackedPerSec: round(acked / seconds),
		p50: round(percentile(latencies, 50), 2),
		p99: round(percentile(latencies, 99), 2),
		unacked: total - acked,
		drained: latencies.length === total,
		generatorCpu: round(generatorCpu, 2),
		generatorSaturated: generatorCpu > GENERATOR_SATURATED,
	};
}

export type IngestResult = {
	target: string;
	steps: IngestStep[];
	best: IngestStep | null;
	limitedBy: "server" | "generator" | "steps";
};

/** A step passes when every send is acked with p99 <= 50 ms; a saturated generator says nothing. */
const verdict = (s: IngestStep): Verdict =>
	s.generatorSaturated ? "generator" : s.p99 <= 50 && s.unacked === 0 ? "ok" : "server";

/** Highest acked rate with p99 <= 50 ms and every send acked, searched from `start` up to `max`/s. */
export async function ingest(
	target: Target,
	start: number,
	max: number,
	seconds: number,
	refine: number,
	/** Restarts the target's server on the same state (after a step it could not drain). */
	recover?: () => Promise<void>,
	publishers = 4,
): Promise<IngestResult> {
	let pubs = await openMany(publishers, () => target.openPublisher());
	try {
		// Warm-up, not recorded: wakes the room, compiles the hot paths, fills caches.
		await step(pubs, target, start, 2);
		const { steps, best, limitedBy } = await searchRate(
			start,
			max,
			refine,
			async (rate) => {
				const result = await step(pubs, target, rate, seconds);
				// Local workerd does not recover from an overloaded step (any target, baselines
				// included): nothing more is acked, or every later step is slower (a step right after
				// a failed one that drained once measured p99 4.5 s at a rate that passes on a fresh
				// server). So after any failed step the server is restarted and warmed up again.
				if (verdict(result) === "server" && recover) {
					closeAll(pubs);
					await recover();
					pubs = await openMany(publishers, () => target.openPublisher());
					await step(pubs, target, start, 2);
				}
				return result;
			},
			verdict,
		);
		return { target: target.name, steps, best, limitedBy };
	} finally {
		closeAll(pubs);
	}
}

export type CpuStep = { rate: number; usPerMessage: number; p99: number; drained: boolean };

/**
 * Server CPU per message at fixed rates, all of the server's processes counted: what one durable,
 * acked message costs in all, to set beside what the runtime spends moving a frame in and one out
 * (the echo DO's figure). Only meaningful below a target's knee, so the caller passes rates it
 * sustains (and keeps only steps that drained).
 */
export async function cpuPerMessage(
	target: Target,
	cpuMs: () => number | null,
	rates: number[],
	seconds: number,
	publishers = 4,
): Promise<CpuStep[]> {
	const pubs = await openMany(publishers, () => target.openPublisher());
	try {
		const out: CpuStep[] = [];
		for (const rate of rates) {
			await step(pubs, target, rate, 2);
			const before = cpuMs();
			const s = await step(pubs, target, rate, seconds);
			const after = cpuMs();
			if (before === null || after === null) return [];
			out.push({
				rate,
				usPerMessage: round(((after - before) * 1000) / Math.round(rate * seconds)),
				p99: s.p99,
				drained: s.drained,
			});
		}
		return out;
	} finally {
		closeAll(pubs);
	}
}

/** Sends one message and waits for its ack; returns its clientId, which marks the room's file. */
export async function sendMarker(target: Target): Promise<string> {
	const [ws] = await openMany(1, () => target.openPublisher());
	if (!ws) throw new Error("no socket");
	const id = nextId++;
	await new Promise<void>((resolve) => {
		ws.on("message", (data) => {
			if (target.ackId(String(data)) === id) resolve();
		});
		ws.send(target.frame(id, messageText(id)));
	});
	ws.terminate();
	return target.clientIdOf(id);
}
