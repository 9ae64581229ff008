// Prints the benchmark tables (the README table is copied from this output).
import type { FanoutResult } from "./fanout.ts";
import type { CpuStep, IngestResult } from "./ingest.ts";
import type { HistoryLoadResult, RoomLoadResult } from "./load.ts";
import type { ReconnectResult } from "./reconnect.ts";
import type { ReplicationResult, SearchResult } from "./search.ts";
import type { SidebarResult } from "./sidebar.ts";

type Json = Record<string, unknown>;
/** Server figures are medians of three runs, with their spread (older result files have none). */
type Spread = { spread?: [number, number] };
type Fanout = FanoutResult & Spread;

const fmt = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? "–" : n.toLocaleString("en-US"));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : "–");

/** A median-of-three figure with its spread: "7,214 [6,900–7,500]". */
const withSpread = (value: number | undefined, run: Spread | undefined) =>
	run?.spread ? `${fmt(value)} [${fmt(run.spread[0])}–${fmt(run.spread[1])}]` : fmt(value);

function table(head: string[], rows: Array<Array<string | number>>): string {
	const cells = [head, ...rows.map((r) => r.map(String))];
	const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
	const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
	return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...cells.slice(1).map(line)].join("\n");
}

/** Parlor with its D1 archive copy deferred past the measurement (see bench/run.ts). */
export const DEFERRED_COPY = "Parlor, D1 copy deferred";

export function fanoutTable(fanout: Fanout[]): string {
	const by = (target: string, sockets: number) => fanout.find((f) => f.target === target && f.sockets === sockets);
	const sockets = [...new Set(fanout.map((f) => f.sockets))];
	return table(
		[
			"sockets",
			"Parlor msg/s (p99 ≤ 50 ms)",
			"at half: p50 / p99 ms",
			"bare DO msg/s",
			"Node + ws msg/s",
			"Parlor / bare DO",
			"Parlor / Node + ws",
			"limited by (Parlor, DO, ws)",
			"copy deferred msg/s",
			"copy deferred / bare DO",
		],
		sockets.map((n) => {
			const p = by("Parlor", n);
			const d = by("bare DO", n);
			const w = by("Node + ws", n);
			const q = by(DEFERRED_COPY, n);
			return [
				n,
				withSpread(p?.best?.deliveredPerSec, p),
				p?.half
					? `${p.half.p50} / ${p.half.p99}`
					: p?.steps[0]
						? `(at ${p.steps[0].publishRate}/s: ${p.steps[0].p50} / ${p.steps[0].p99})`
						: "–",
				withSpread(d?.best?.deliveredPerSec, d),
				withSpread(w?.best?.deliveredPerSec, w),
				ratio(p?.best?.deliveredPerSec, d?.best?.deliveredPerSec),
				ratio(p?.best?.deliveredPerSec, w?.best?.deliveredPerSec),
				[p, d, w].map((x) => x?.limitedBy ?? "–").join(", "),
				withSpread(q?.best?.deliveredPerSec, q),
				ratio(q?.best?.deliveredPerSec, d?.best?.deliveredPerSec),
			];
		}),
	);
}

export function printTables(results: Json): void {
	console.log(`\nParlor benchmarks (${results.mode}), ${results.date}\n${results.machine}; ${results.pinning}\n`);
	if (results.fanout) console.log(`Fanout (200-byte messages, one room)\n${fanoutTable(results.fanout as Fanout[])}\n`);
	const ingest = results.ingest as Array<IngestResult & Spread> | undefined;
	if (ingest) {
		const floor = ingest.find((r) => r.target === "bare DO, echo")?.best?.ackedPerSec;
		console.log(
			`Ingest (one room, 4 publisher sockets, ack after the write is durable)\n${table(
				["target", "acked msg/s (p99 ≤ 50 ms)", "p50 / p99 ms", "vs. bare DO echo", "limited by"],
				ingest.map((r) => [
					r.target,
					withSpread(r.best?.ackedPerSec, r),
					r.best ? `${r.best.p50} / ${r.best.p99}` : "–",
					ratio(r.best?.ackedPerSec, floor),
					r.limitedBy,
				]),
			)}\n`,
		);
		const cpu = results.ingestCpu as Array<{ target: string; perRate: Array<CpuStep & Spread> }> | undefined;
		if (cpu) {
			const rates = [...new Set(cpu.flatMap((t) => t.perRate.map((s) => s.rate)))].sort((a, b) => a - b);
			const echo = cpu.find((t) => t.target === "bare DO, echo");
			const at = (t: (typeof cpu)[number] | undefined, rate: number) => t?.perRate.find((s) => s.rate === rate);
			console.log(
				`Ingest, server CPU per message at fixed rates (µs, all the server's processes)\n${table(
					["target", ...rates.flatMap((r) => [`at ${fmt(r)}/s`, "vs. echo"])],
					cpu.map((t) => [
						t.target,
						...rates.flatMap((r) => [
							withSpread(at(t, r)?.usPerMessage, at(t, r)),
							ratio(at(t, r)?.usPerMessage, at(echo, r)?.usPerMessage),
						]),
					]),
				)}\n`,
			);
		}
		const parlor = ingest.find((r) => r.target === "Parlor");
		if (parlor) {
			console.log(
				`Parlor ingest steps\n${table(
					["offered/s", "acked/s", "p50 ms", "p99 ms", "unacked", "generator CPU"],
					parlor.steps.map((s) => [
						fmt(s.offered),
						fmt(s.ackedPerSec),
						String(s.p50),
						String(s.p99),
						String(s.unacked),
						`${s.generatorCpu}${s.generatorSaturated ? " (saturated)" : ""}`,
					]),
				)}\n`,
			);
		}
	}
	const history = results.history as
		| { rows: Array<Json & { parlor: Json; plainWorker: Json; nodeSqlite: Json }> }
		| undefined;
	if (history) {
		console.log(
			`History page latency, p50 / p99 ms\n${table(
				["messages", "limit", "page", "Parlor", "plain Worker + SQL", "node:sqlite in-process", "Parlor / plain (p50)"],
				history.rows.map((r) => [
					fmt(r.messages as number),
					String(r.limit),
					String(r.page),
					`${withSpread(r.parlor.p50 as number, r.parlor as Spread)} / ${r.parlor.p99}`,
					`${withSpread(r.plainWorker.p50 as number, r.plainWorker as Spread)} / ${r.plainWorker.p99}`,
					`${r.nodeSqlite.p50} / ${r.nodeSqlite.p99}`,
					ratio(r.parlor.p50 as number, r.plainWorker.p50 as number),
				]),
			)}\n`,
		);
	}
	const search = results.search as (SearchResult & { replication?: ReplicationResult }) | undefined;
	if (search) {
		const me = (archived: number) => search.floor.find((f) => f.archived === archived)?.me;
		console.log(
			`Search over the D1 archive (100 rooms, 10 of them private; 20 hits a page), p50 / p99 ms\n${table(
				[
					"archived",
					"query",
					"mode",
					"hits",
					"Parlor /api/search",
					"/api/me (same Worker)",
					"node:sqlite, one statement",
					"search / me (p50)",
				],
				search.rows.map((r) => [
					fmt(r.archived),
					r.shape,
					r.mode,
					String(r.hits),
					`${r.parlor.p50} / ${r.parlor.p99}`,
					`${me(r.archived)?.p50 ?? "–"} / ${me(r.archived)?.p99 ?? "–"}`,
					r.nodeSqlite ? `${r.nodeSqlite.p50} / ${r.nodeSqlite.p99}` : "–",
					ratio(r.parlor.p50, me(r.archived)?.p50),
				]),
			)}\n`,
		);
		const c = search.replication;
		if (c)
			console.log(
				`Replication to the archive under load (one room, ${fmt(c.offered)} msg/s for ${c.seconds} s)\n${table(
					["acked msg/s", "ack p99 ms", "archived msg/s", "largest lag (msgs)", "caught up after the load"],
					[
						[
							fmt(c.ackedPerSec),
							String(c.ackP99),
							fmt(c.archivedPerSec),
							fmt(c.maxLag),
							c.catchUpMs === null ? "not in 60 s" : `${fmt(c.catchUpMs)} ms`,
						],
					],
				)}\n`,
			);
	}
	const client = results.client as Record<string, Json> | undefined;
	if (client) {
		const rows: Array<Array<string>> = [];
		const get = (v: string, f: (x: Json) => unknown) => String(f(client[v] ?? {}) ?? "–");
		const recv = (x: Json, i: number) => (x.receiving as Json[] | undefined)?.[i] ?? {};
		const foot = (x: Json, i: number) => (x.footprint as Json[] | undefined)?.[i] ?? {};
		const metric = (name: string, f: (x: Json) => unknown) => rows.push([name, get("parlor", f), get("baseline", f)]);
		metric("first history paint, empty cache (ms)", (x) => x.firstPaintColdMs);
		metric("first history paint, returning visitor (ms)", (x) => x.firstPaintMs);
		metric("fps at 50 msg/s (long frames)", (x) => `${recv(x, 0).fps} (${recv(x, 0).longFrames})`);
		metric("fps at 200 msg/s (long frames)", (x) => `${recv(x, 1).fps} (${recv(x, 1).longFrames})`);
		metric("worst frame at 200 msg/s (ms)", (x) => recv(x, 1).worstFrameMs);
		const md = (x: Json, i: number) => (x.receivingMarkdown as Json[] | undefined)?.[i] ?? {};
		metric("Markdown room: fps at 50 msg/s (long frames)", (x) => `${md(x, 0).fps} (${md(x, 0).longFrames})`);
		metric("Markdown room: fps at 200 msg/s (long frames)", (x) => `${md(x, 1).fps} (${md(x, 1).longFrames})`);
		metric(
			`DOM rows / heap MB, ${fmt(foot(client.parlor ?? {}, 0).messages as number)} loaded`,
			(x) => `${foot(x, 0).domRows} / ${foot(x, 0).heapMb}`,
		);
		metric(
			`DOM rows / heap MB, ${fmt(foot(client.parlor ?? {}, 1).messages as number)} loaded`,
			(x) => `${foot(x, 1).domRows} / ${foot(x, 1).heapMb}`,
		);
		metric("older page: worst-frame jump (px)", (x) => (x.olderHistory as Json | undefined)?.maxJumpPx);
		metric("older page: latency p50 (ms)", (x) => (x.olderHistory as Json | undefined)?.pageLatencyMs);
		metric(
			`seconds to scroll all ${fmt(foot(client.parlor ?? {}, 1).messages as number)} in`,
			(x) => foot(x, 1).loadSeconds,
		);
		console.log(`Client (Chromium, 1280×800)\n${table(["metric", "Parlor", "hand-windowed baseline"], rows)}\n`);
	}
	const reconnect = results.reconnect as ReconnectResult | undefined;
	if (reconnect)
		console.log(
			`Reconnect (${reconnect.clients} clients, server process restarted; target: all live and gap-free < 1 s)\n${table(
				["restart took", "live again p50 / p99 / max (ms after it answered)", "all live", "holes", "pass"],
				[
					[
						`${fmt(reconnect.restartMs)} ms`,
						`${reconnect.liveP50} / ${reconnect.liveP99} / ${reconnect.liveMax}`,
						reconnect.allLive ? "yes" : "no",
						String(reconnect.holes),
						reconnect.allLive && reconnect.holes === 0 && reconnect.liveP99 < 1000 ? "yes" : "no",
					],
				],
			)}\n`,
		);
	const sidebar = results.sidebar as SidebarResult | undefined;
	if (sidebar)
		console.log(
			`Live sidebar (50 members online, 50 msg/s; median of 3 alternating runs [spread]; target: pushed within 1 s, cost independent of offline members)\n${table(
				["room", "push p50 ms", "push p99 ms", "worst ms", "notes/s per member", "ack p50 ms", "ack p99 ms", "missed"],
				sidebar.rows.map((r) => [
					`${fmt(r.members)} members`,
					`${r.pushP50} [${r.pushP50Spread.join("–")}]`,
					`${r.pushP99} [${r.pushP99Spread.join("–")}]`,
					fmt(r.pushMax),
					String(r.notesPerSecond),
					`${r.ackP50} [${r.ackP50Spread.join("–")}]`,
					fmt(r.ackP99),
					fmt(r.missed),
				]),
			)}\n`,
		);
	const load = results.load as { room: RoomLoadResult; history: HistoryLoadResult } | undefined;
	if (load) {
		const r = load.room;
		const h = load.history;
		console.log(
			`Load (targets: p99 ack < 250 ms, nothing dropped; history only 2xx/429)\n${table(
				["test", "offered", "result", "p50 / p99 ms", "pass"],
				[
					[
						`${r.sockets} sockets, one room, ${r.seconds} s`,
						`${fmt(r.rate)} msg/s`,
						`${fmt(r.acked)} of ${fmt(r.sent)} acked, ${fmt(r.droppedMessages)} messages not delivered, ${fmt(r.deliveredPerSec)} delivered/s${r.generatorSaturated ? " (generator saturated)" : ""}`,
						`${r.ackP50} / ${r.ackP99}`,
						r.pass ? "yes" : "no",
					],
					[
						`history, ${h.concurrency} concurrent clients, ${h.seconds} s`,
						"closed loop",
						`${fmt(h.requests)} requests (${fmt(h.perSec)}/s), statuses ${JSON.stringify(h.statuses)}`,
						`${h.p50} / ${h.p99}`,
						h.pass ? "yes" : "no",
					],
				],
			)}\n`,
		);
	}
}
