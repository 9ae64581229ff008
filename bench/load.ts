import type WebSocket from "ws";
import { closeAll, guestCookie, idsIn, messageText, openMany, parlorTarget } from "./lib/room-clients.ts";
import { cpuMeter, GENERATOR_SATURATED, percentile, round, sendOnSchedule, sleep } from "./lib/stats.ts";

export type RoomLoadResult = {
	sockets: number;
	rate: number;
	seconds: number;
	sent: number;
	acked: number;
	ackP50: number;
	ackP99: number;
	/** Messages a socket should have received and did not, summed over all sockets (a frame may carry several). */
	droppedMessages: number;
	deliveredPerSec: number;
	generatorCpu: number;
	generatorSaturated: boolean;
	pass: boolean;
};

/**
 * A busy room held for a while: `sockets` members, each also a sender in turn, `rate` messages/s
 * between them for `seconds`. Every ack's latency is measured from its scheduled send time, and
 * every member must receive every message. Target: p99 ack < 250 ms and no dropped frames.
 */
export async function roomLoad(base: string, sockets: number, rate: number, seconds: number): Promise<RoomLoadResult> {
	const target = await parlorTarget(base, "bench-load");
	const members = await openMany(sockets, () => target.openReceiver());
	const total = Math.round(rate * seconds);
	const scheduled = new Float64Array(total);
	const latencies: number[] = [];
	const received = new Uint32Array(sockets);
	const firstId = 1_000_000_000;
	members.forEach((ws, s) => {
		ws.on("message", (data: WebSocket.RawData) => {
			const text = String(data);
			const ack = target.ackId(text);
			if (ack !== null) {
				const i = ack - firstId;
				if (i >= 0 && i < total) latencies.push(performance.now() - (scheduled[i] ?? 0));
			} else if (text.startsWith('{"type":"events"')) {
				received[s] = (received[s] ?? 0) + idsIn(text).length;
			}
		});
	});
	const cpu = cpuMeter();
	await sendOnSchedule(
		total,
		rate,
		(i) => members[i % sockets]?.send(target.frame(firstId + i, messageText(firstId + i))),
		scheduled,
	);
	const deadline = performance.now() + 5000;
	const allIn = () => latencies.length >= total && received.every((n) => n >= total);
	while (!allIn() && performance.now() < deadline) await sleep(50);
	const generatorCpu = cpu();
	closeAll(members);
	const dropped = received.reduce((n, got) => n + Math.max(0, total - got), 0);
	const ackP99 = round(percentile(latencies, 99), 1);
	return {
		sockets,
		rate,
		seconds,
		sent: total,
		acked: latencies.length,
		ackP50: round(percentile(latencies, 50), 1),
		ackP99,
		droppedMessages: dropped,
		deliveredPerSec: round(received.reduce((n, got) => n + got, 0) / seconds),
		generatorCpu: round(generatorCpu, 2),
		generatorSaturated: generatorCpu > GENERATOR_SATURATED,
		pass: latencies.length === total && ackP99 < 250 && dropped === 0,
	};
}

export type HistoryLoadResult = {
	concurrency: number;
	seconds: number;
	requests: number;
	perSec: number;
	p50: number;
	p99: number;
	/** Status code -> count; the target is nothing but 2xx and 429. */
	statuses: Record<string, number>;
	pass: boolean;
};

/** `concurrency` clients each fetching history back to back for `seconds` (closed loop). */
export async function historyLoad(
	base: string,
	room: string,
	concurrency: number,
	seconds: number,
): Promise<HistoryLoadResult> {
	const cookie = await guestCookie(base);
	const statuses: Record<string, number> = {};
	const latencies: number[] = [];
	const end = performance.now() + seconds * 1000;
	const worker = async (w: number) => {
		for (let i = 0; performance.now() < end && i < 100_000; i++) {
			// Half ask for the latest page, half for a page somewhere in the middle.
			const query = (w + i) % 2 ? "limit=50" : `limit=100&before=${1 + ((w * 997 + i * 131) % 5000)}`;
			const t0 = performance.now();
			let status = "network error";
			try {
				const res = await fetch(`${base}/api/rooms/${room}/messages?${query}`, { headers: { cookie } });
				await res.arrayBuffer();
				status = String(res.status);
			} catch {
				// Counted as a failure below.
			}
			latencies.push(performance.now() - t0);
			statuses[status] = (statuses[status] ?? 0) + 1;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
	return {
		concurrency,
		seconds,
		requests: latencies.length,
		perSec: round(latencies.length / seconds),
		p50: round(percentile(latencies, 50), 1),
		p99: round(percentile(latencies, 99), 1),
		statuses,
		pass: Object.keys(statuses).every((s) => s.startsWith("2") || s === "429"),
	};
}
