import { DatabaseSync } from "node:sqlite";
import { medianRun, percentile, ROUNDS, round } from "./lib/stats.ts";

export type Latency = { p50: number; p99: number };
export type HistoryRow = {
	messages: number;
	limit: number;
	page: "latest" | "deep";
	parlor: Latency;
	plainWorker: Latency;
	nodeSqlite: Latency;
};

async function timeRequests(
	urlFor: (i: number) => string,
	headers: Record<string, string>,
	n: number,
): Promise<Latency> {
	const samples: number[] = [];
	for (let i = 0; i < n + 5; i++) {
		const t0 = performance.now();
		const res = await fetch(urlFor(i), { headers });
		if (!res.ok) throw new Error(`history request failed: ${res.status} ${urlFor(i)}`);
		await res.arrayBuffer();
		if (i >= 5) samples.push(performance.now() - t0);
	}
	return { p50: round(percentile(samples, 50), 2), p99: round(percentile(samples, 99), 2) };
}

/** The same table and page query as Parlor's message store, in-process: the floor for the query itself. */
export class NodeSqliteBaseline {
	private readonly db = new DatabaseSync(":memory:");
	private count = 0;
	constructor() {
		this.db.exec(`CREATE TABLE messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, author_id TEXT NOT NULL,
			author_name TEXT NOT NULL, author_image TEXT, text TEXT NOT NULL, created_at INTEGER NOT NULL, client_id TEXT NOT NULL)`);
	}
	seed(total: number): void {
		const insert = this.db.prepare("INSERT INTO messages VALUES (?, ?, 'u', 'Bench User', NULL, ?, ?, ?)");
		this.db.exec("BEGIN");
		for (let seq = this.count + 1; seq <= total; seq++)
			insert.run(seq, `id-${seq}`, `m${seq}:`.padEnd(200, "x"), Date.now(), `c-${seq}`);
		this.db.exec("COMMIT");
		this.count = total;
	}
	time(before: number | null, limit: number, n: number): Latency {
		const query = this.db.prepare("SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?");
		const samples: number[] = [];
		for (let i = 0; i < n + 5; i++) {
			const t0 = performance.now();
			JSON.stringify(query.all(before ?? Number.MAX_SAFE_INTEGER, limit + 1));
			if (i >= 5) samples.push(performance.now() - t0);
		}
		return { p50: round(percentile(samples, 50), 3), p99: round(percentile(samples, 99), 3) };
	}
}

export async function measureHistory(opts: {
	parlorUrl: string;
	parlorRoom: string;
	cookie: string;
	plainUrl: string;
	plainRoom: string;
	sqlite: NodeSqliteBaseline;
	messages: number;
	requests: number;
}): Promise<HistoryRow[]> {
	const rows: HistoryRow[] = [];
	for (const limit of [50, 100]) {
		for (const page of ["latest", "deep"] as const) {
			const before = page === "latest" ? null : Math.floor(opts.messages / 2);
			const q = `limit=${limit}${before === null ? "" : `&before=${before}`}`;
			// Alternating rounds (Parlor, plain, Parlor, ...): each figure is the median of three p50s.
			const parlorRuns = [];
			const plainRuns = [];
			for (let round = 0; round < ROUNDS; round++) {
				parlorRuns.push(
					await timeRequests(
						() => `${opts.parlorUrl}/api/rooms/${opts.parlorRoom}/messages?${q}`,
						{ cookie: opts.cookie },
						opts.requests,
					),
				);
				plainRuns.push(
					await timeRequests(() => `${opts.plainUrl}/history?room=${opts.plainRoom}&${q}`, {}, opts.requests),
				);
			}
			const parlor = medianRun(parlorRuns, (r) => r.p50);
			const plainWorker = medianRun(plainRuns, (r) => r.p50);
			const nodeSqlite = opts.sqlite.time(before, limit, opts.requests);
			rows.push({ messages: opts.messages, limit, page, parlor, plainWorker, nodeSqlite });
		}
	}
	return rows;
}

/** Seeds the plain worker's history DO in chunks (each call is one Durable Object request). */
export async function seedPlainWorker(plainUrl: string, room: string, total: number): Promise<void> {
	for (let at = 50_000; ; at += 50_000) {
		const upTo = Math.min(at, total);
		const res = await fetch(`${plainUrl}/seed?room=${room}&total=${upTo}`);
		if (!res.ok) throw new Error(`seed failed: ${res.status}`);
		if (upTo >= total) return;
	}
}
