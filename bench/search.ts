// Search over the D1 archive (issue 20): 100 rooms filled straight into the local D1 file (the
// room → D1 copy itself is measured by `replication` below), then `GET /api/search` timed for
// query shapes from rare words to a two-letter scan, against two floors measured in the same run:
// Parlor's `/api/me` (the same Worker, session check, one small D1 read) and the same full-text
// query run in-process by node:sqlite on the same file.
import { copyFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import type WebSocket from "ws";
import { messageText, openMany, type Target } from "./lib/room-clients.ts";
import { d1File } from "./lib/seed.ts";
import type { ParlorServer } from "./lib/servers.ts";
import { percentile, round, sendOnSchedule, sleep } from "./lib/stats.ts";

const ROOMS = 100;
/** Rooms the bench user cannot read: their rows must cost nothing and never show up. */
const PRIVATE_ROOMS = 10;
/** One message every 31.5 s going back: 1M messages span a year, so a 30-day scan reads 8% of them. */
const SPACING_MS = 31_536;

export type Latency = { p50: number; p99: number; n: number };
export type SearchRow = {
	archived: number;
	query: string;
	shape: string;
	hits: number;
	mode: string;
	parlor: Latency;
	nodeSqlite: Latency | null;
};
export type SearchResult = { floor: Array<{ archived: number; me: Latency }>; rows: SearchRow[] };

/** A deterministic vocabulary of pronounceable words, drawn with a Zipf law like real text. */
function vocabulary(size: number): string[] {
	const on = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr", "gl"];
	const nuclei = ["a", "e", "i", "o", "u", "ai", "ou"];
	const words = new Set<string>();
	const rand = mulberry32(7);
	const next = () => Math.floor(rand() * 2 ** 31);
	while (words.size < size) {
		let w = "";
		const syllables = 2 + (next() % 3);
		for (let s = 0; s < syllables; s++) w += (on[next() % on.length] ?? "") + (nuclei[next() % nuclei.length] ?? "");
		words.add(w);
	}
	return [...words];
}

/** A small seeded PRNG (32-bit integer math throughout, so no float precision is lost). */
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const WORDS = vocabulary(4000);
const RARE = "zephyrine";

function sentence(g: number, cumulative: Float64Array): string {
	const rand = mulberry32(g + 1);
	const length = 6 + Math.floor(rand() * 10);
	const out: string[] = [];
	for (let i = 0; i < length; i++) {
		const r = rand() * (cumulative[cumulative.length - 1] ?? 1);
		let lo = 0;
		let hi = cumulative.length - 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if ((cumulative[mid] ?? 0) < r) lo = mid + 1;
			else hi = mid;
		}
		out.push(WORDS[lo] ?? "x");
	}
	// One message in 100,000 carries the rare word: 1 hit at 100k, 10 at 1M.
	if (g % 100_000 === 17) out.splice(2, 0, RARE);
	return out.join(" ");
}

/** Adds archived messages `from..to-1` (global order, newest first in time) across the rooms. */
function seedArchive(file: string, from: number, to: number): void {
	const cumulative = new Float64Array(WORDS.length);
	let sum = 0;
	for (let k = 0; k < WORDS.length; k++) {
		sum += 1 / (k + 1);
		cumulative[k] = sum;
	}
	const db = new DatabaseSync(file);
	try {
		const now = Date.now();
		db.exec("BEGIN");
		if (from === 0) {
			const room = db.prepare(
				`INSERT OR IGNORE INTO "room" ("id", "name", "visibility", "createdBy", "createdAt") VALUES (?, ?, ?, NULL, ?)`,
			);
			for (let r = 0; r < ROOMS; r++) {
				const id = roomName(r);
				room.run(id, id, r < PRIVATE_ROOMS ? "private" : "public", now);
			}
		}
		const before = (db.prepare(`SELECT COALESCE(MAX(rowid), 0) AS m FROM "archive_message"`).get() as { m: number }).m;
		const insert = db.prepare(
			`INSERT INTO "archive_message" ("roomId", "seq", "messageId", "authorId", "authorName", "text", "createdAt", "rev")
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		);
		for (let g = from; g < to; g++) {
			const seq = Math.floor(g / ROOMS) + 1;
			insert.run(
				roomName(g % ROOMS),
				seq,
				`bench-search-${g}`,
				`author-${g % 50}`,
				`Author ${g % 50}`,
				sentence(g, cumulative),
				now - g * SPACING_MS,
				seq,
			);
		}
		for (const table of ["archive_fts", "archive_trigram"]) {
			db.exec(
				`INSERT INTO "${table}" (rowid, "text") SELECT rowid, "text" FROM "archive_message" WHERE rowid > ${before}`,
			);
		}
		const top = Math.floor((to - 1) / ROOMS) + 1;
		const state = db.prepare(
			`INSERT INTO "archive_state" ("roomId", "archivedSeq", "updatedAt") VALUES (?, ?, ?)
			 ON CONFLICT ("roomId") DO UPDATE SET "archivedSeq" = excluded."archivedSeq"`,
		);
		const latest = db.prepare(`UPDATE "room" SET "latestSeq" = ? WHERE "id" = ?`);
		for (let r = 0; r < ROOMS; r++) {
			state.run(roomName(r), top, now);
			latest.run(top, roomName(r));
		}
		db.exec("COMMIT");
		// The in-process floor reads a copy, never the server's live file: two runs whose floor
		// opened the live file lost the server mid-run at 1M; with the copy, none has.
		db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
	} finally {
		db.close();
	}
	copyFileSync(file, FLOOR_COPY);
}

const FLOOR_COPY = ".wrangler/bench-search-floor.sqlite";

const roomName = (r: number) => `bench-search-${String(r).padStart(3, "0")}`;

/** The query shapes: from a word in 1 of 100,000 messages to one in most of them. */
function queries(): Array<{ shape: string; q: string; order?: "relevance" }> {
	return [
		{ shape: "rare word (1 in 100k)", q: RARE },
		{ shape: "uncommon word (~0.1%)", q: WORDS[1500] ?? "" },
		{ shape: "common word (~3%)", q: WORDS[40] ?? "" },
		{ shape: "most common word (~70%)", q: WORDS[0] ?? "" },
		{ shape: "most common word, by relevance", q: WORDS[0] ?? "", order: "relevance" },
		{ shape: "two words", q: `${WORDS[40]} ${WORDS[90]}` },
		{ shape: "part of a word (trigram)", q: RARE.slice(1, 8) },
		{ shape: "two letters (30-day scan)", q: "zq" },
	];
}

async function time(
	url: string,
	cookie: string,
	n: number,
	budgetMs: number,
): Promise<{ latency: Latency; body: unknown }> {
	const samples: number[] = [];
	let body: unknown = null;
	const stopAt = performance.now() + budgetMs;
	for (let i = 0; i < n + 3 && (i < 8 || performance.now() < stopAt); i++) {
		const t0 = performance.now();
		const res = await fetch(url, { headers: { cookie } });
		if (!res.ok) throw new Error(`search failed: ${res.status} ${await res.text()}`);
		body = await res.json();
		if (i >= 3) samples.push(performance.now() - t0);
	}
	return {
		latency: { p50: round(percentile(samples, 50), 2), p99: round(percentile(samples, 99), 2), n: samples.length },
		body,
	};
}

/**
 * The words query as one statement (readable rooms, snippets, every match ordered), in-process on
 * a copy of the same data: what SQLite alone takes for the query before Parlor's two-step split.
 */
function nodeFloor(q: string, userId: string, n: number, relevance: boolean): Latency {
	const db = new DatabaseSync(FLOOR_COPY, { readOnly: true });
	try {
		const match = q
			.split(/\s+/)
			.map((w) => `"${w}"`)
			.join(" ");
		const stmt = db.prepare(
			`SELECT m.rowid, m."roomId", r."name", m."seq", m."messageId", m."authorId", m."authorName", m."createdAt",
			        snippet("archive_fts", 0, char(57344), char(57345), '…', 16) AS snippet
			 FROM "archive_fts" f JOIN "archive_message" m ON m.rowid = f.rowid
			 JOIN "room" r ON r."id" = m."roomId"
			 LEFT JOIN "room_member" rm ON rm."roomId" = m."roomId" AND rm."userId" = ?
			 WHERE (r."visibility" = 'public' OR rm."userId" IS NOT NULL) AND "archive_fts" MATCH ?
			 ORDER BY ${relevance ? `bm25("archive_fts") ASC, m."createdAt" DESC` : `m."createdAt" DESC, m.rowid DESC`} LIMIT 21`,
		);
		const samples: number[] = [];
		const stopAt = performance.now() + 10_000;
		for (let i = 0; i < n + 3 && (i < 8 || performance.now() < stopAt); i++) {
			const t0 = performance.now();
			JSON.stringify(stmt.all(userId, match));
			if (i >= 3) samples.push(performance.now() - t0);
		}
		return { p50: round(percentile(samples, 50), 2), p99: round(percentile(samples, 99), 2), n: samples.length };
	} finally {
		db.close();
	}
}

export async function searchBench(
	parlor: ParlorServer,
	cookie: string,
	userId: string,
	sizes: number[],
	requests: number,
): Promise<SearchResult> {
	const rows: SearchRow[] = [];
	const floor: SearchResult["floor"] = [];
	let have = 0;
	for (const size of sizes) {
		process.stdout.write(`search ${size}: seeding… `);
		await parlor.stop();
		const file = d1File(parlor.stateDir);
		const t0 = performance.now();
		seedArchive(file, have, size);
		process.stdout.write(`${Math.round((performance.now() - t0) / 1000)} s; `);
		await parlor.restart();
		have = size;
		const me = await time(`${parlor.url}/api/me`, cookie, requests, 20_000);
		floor.push({ archived: size, me: me.latency });
		for (const { shape, q, order } of queries()) {
			const query = new URLSearchParams({ q, limit: "20", ...(order ? { order } : {}) });
			const { latency, body } = await time(`${parlor.url}/api/search?${query}`, cookie, requests, 30_000);
			const result = body as { hits: Array<{ roomId: string }>; mode: string };
			if (result.hits.some((h) => Number(h.roomId.slice(-3)) < PRIVATE_ROOMS))
				throw new Error(`search returned a private room's message for "${q}"`);
			const words = result.mode === "words";
			rows.push({
				archived: size,
				query: q,
				shape,
				hits: result.hits.length,
				mode: result.mode,
				parlor: latency,
				nodeSqlite: words ? nodeFloor(q, userId, Math.min(requests, 30), order === "relevance") : null,
			});
		}
		console.log("measured");
	}
	return { floor, rows };
}

export type ReplicationResult = {
	offered: number;
	seconds: number;
	ackedPerSec: number;
	ackP99: number;
	archivedPerSec: number;
	maxLag: number;
	catchUpMs: number | null;
};

/**
 * The room → D1 copy under load: `rate` messages/s into one room for `seconds`, acks timed as in
 * the ingest bench, while `/sync` is read every 250 ms. Reports how fast the archive follows
 * (messages archived per second during the load), the largest lag seen, and how long after the
 * last send the archive caught up.
 */
export async function replication(
	target: Target,
	baseUrl: string,
	room: string,
	cookie: string,
	rate: number,
	seconds: number,
): Promise<ReplicationResult> {
	const sync = async () =>
		(await (await fetch(`${baseUrl}/api/rooms/${room}/sync`, { headers: { cookie } })).json()) as {
			latestSeq: number;
			archivedSeq: number;
		};
	const pubs: WebSocket[] = await openMany(4, () => target.openPublisher());
	const total = Math.round(rate * seconds);
	const scheduled = new Float64Array(total);
	const latencies: number[] = [];
	const base = 50_000_000;
	const onMessage = (data: WebSocket.RawData) => {
		const id = target.ackId(String(data));
		if (id !== null && id >= base && id < base + total) latencies.push(performance.now() - (scheduled[id - base] ?? 0));
	};
	for (const ws of pubs) ws.on("message", onMessage);
	const start = await sync();
	let maxLag = 0;
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			const s = await sync();
			maxLag = Math.max(maxLag, s.latestSeq - s.archivedSeq);
			await sleep(250);
		}
	})();
	const t0 = performance.now();
	await sendOnSchedule(
		total,
		rate,
		(i) => pubs[i % pubs.length]?.send(target.frame(base + i, messageText(base + i))),
		scheduled,
	);
	const sendMs = performance.now() - t0;
	const atEnd = await sync();
	sampling = false;
	await sampler;
	const archivedPerSec = round(((atEnd.archivedSeq - start.archivedSeq) * 1000) / sendMs);
	const ackDeadline = performance.now() + 10_000;
	while (latencies.length < total && performance.now() < ackDeadline) await sleep(20);
	const tEnd = performance.now();
	let catchUpMs: number | null = null;
	while (performance.now() - tEnd < 60_000) {
		const s = await sync();
		if (s.archivedSeq >= s.latestSeq) {
			catchUpMs = Math.round(performance.now() - tEnd);
			break;
		}
		await sleep(100);
	}
	for (const ws of pubs) {
		ws.off("message", onMessage);
		ws.terminate();
	}
	return {
		offered: rate,
		seconds,
		ackedPerSec: round(latencies.length / seconds),
		ackP99: round(percentile(latencies, 99), 2),
		archivedPerSec,
		maxLag,
		catchUpMs,
	};
}
