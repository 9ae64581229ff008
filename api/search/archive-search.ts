import type { SearchHit, SearchResult } from "../protocol/http-api";

/** Marks around a match in a snippet: private-use characters that text never needs. */
const OPEN = "\uE000";
const CLOSE = "\uE001";
/** Queries shorter than this cannot use the trigram index; they scan recent messages instead. */
const TRIGRAM = 3;
/** How far back a short query's scan looks. */
const SCAN_WINDOW_MS = 30 * 24 * 3_600_000;
/** Scripts written without spaces between words: the word index cannot find their parts. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

export type SearchInput = {
	userId: string;
	q: string;
	room?: string;
	from?: string;
	before?: number;
	after?: number;
	order: "newest" | "relevance";
	limit: number;
	cursor?: string;
};

/** The user's words as an FTS5 query: each a quoted phrase (no operator reaches FTS5), all required. */
export function ftsQuery(q: string, minLength = 1): string | null {
	const tokens = q
		.split(/\s+/)
		.map((token) => token.replaceAll('"', ""))
		.filter((token) => /[\p{L}\p{N}]/u.test(token) && [...token].length >= minLength);
	return tokens.length === 0 ? null : tokens.map((token) => `"${token}"`).join(" ");
}

/** Whether a query has anything to look for: at least one letter or digit. */
export const searchable = (q: string) => /[\p{L}\p{N}]/u.test(q);

type Row = {
	rowid: number;
	roomId: string;
	roomName: string;
	seq: number;
	messageId: string;
	authorId: string;
	authorName: string;
	createdAt: number;
};

/** By relevance, this many of a query's newest matches are ranked (see `run`). */
const RELEVANCE_WINDOW = 5_000;

function pieces(snippet: string): SearchHit["snippet"] {
	const out: SearchHit["snippet"] = [];
	for (const part of snippet.split(OPEN)) {
		const close = part.indexOf(CLOSE);
		if (close === -1) {
			if (part) out.push({ text: part, match: false });
			continue;
		}
		out.push({ text: part.slice(0, close), match: true });
		const rest = part.slice(close + 1).replaceAll(CLOSE, "");
		if (rest) out.push({ text: rest, match: false });
	}
	return out;
}

/** A short query's snippet, made here: the first match marked, with some text either side. */
function scanSnippet(text: string, q: string): string {
	const at = text.toLowerCase().indexOf(q.toLowerCase());
	if (at === -1) return text.slice(0, 120);
	const start = Math.max(0, at - 50);
	const end = Math.min(text.length, at + q.length + 50);
	return `${start > 0 ? "…" : ""}${text.slice(start, at)}${OPEN}${text.slice(at, at + q.length)}${CLOSE}${text.slice(at + q.length, end)}${end < text.length ? "…" : ""}`;
}

function decodeCursor(cursor: string | undefined): { at: number; rowid: number } | { offset: number } | null {
	if (!cursor) return null;
	const [a, b] = cursor.split(":");
	if (a === "o" && b && /^\d+$/.test(b)) return { offset: Number(b) };
	if (a && b && /^\d+$/.test(a) && /^\d+$/.test(b)) return { at: Number(a), rowid: Number(b) };
	return null;
}

/**
 * Searches the archive for one user. Which rooms they may read is decided in the same SQL
 * (public rooms, and private rooms they are a member of), never by a list of ids from outside.
 */
export async function searchArchive(db: D1Database, input: SearchInput): Promise<SearchResult> {
	const q = input.q.trim();
	const short = [...q].length < TRIGRAM;
	const mode: SearchResult["mode"] = short ? "scan" : UNSPACED.test(q) ? "trigram" : "words";
	let result = await run(db, input, mode, q);
	// Nothing as words: look for the letters inside words (a part of a word, a misspelt split).
	if (mode === "words" && result.hits.length === 0 && !input.cursor) {
		const trigram = await run(db, input, "trigram", q);
		if (trigram.hits.length > 0) result = trigram;
	}
	return { ...result, behind: await behind(db, input, result.hits) };
}

/**
 * One page of hits, in two steps so the costly parts run only for the page: the first query
 * finds and orders the matching rows (no snippet), the second makes snippets for those rows alone.
 * By relevance, the newest RELEVANCE_WINDOW matches are ranked: bm25 over every match of a word in
 * most messages takes SQLite alone over 700 ms at a million messages (bench/search.ts).
 */
async function run(db: D1Database, input: SearchInput, mode: SearchResult["mode"], q: string) {
	const table = mode === "trigram" ? "archive_trigram" : "archive_fts";
	const match = mode === "scan" ? null : ftsQuery(q, mode === "trigram" ? TRIGRAM : 1);
	if (mode !== "scan" && match === null) return { hits: [], next: null, mode };
	const relevance = input.order === "relevance" && mode !== "scan";
	const where: string[] = [`(r."visibility" = 'public' OR rm."userId" IS NOT NULL)`];
	const binds: unknown[] = [];
	let from = `"archive_message" m`;
	let score = "0";
	if (mode === "scan") {
		where.push(`m."text" LIKE ? ESCAPE '\\'`, `m."createdAt" >= ?`);
		binds.push(`%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`, Date.now() - SCAN_WINDOW_MS);
	} else if (relevance) {
		from = `(SELECT rowid, bm25("${table}") AS score FROM "${table}" WHERE "${table}" MATCH ? ORDER BY rowid DESC LIMIT ${RELEVANCE_WINDOW}) f
		        JOIN "archive_message" m ON m.rowid = f.rowid`;
		score = "f.score";
	} else {
		from = `"${table}" f JOIN "archive_message" m ON m.rowid = f.rowid`;
		where.push(`"${table}" MATCH ?`);
		binds.push(match);
	}
	const filter = (clause: string, value: unknown) => {
		where.push(clause);
		binds.push(value);
	};
	if (input.room) filter(`m."roomId" = ?`, input.room);
	if (input.from) filter(`m."authorId" = ?`, input.from);
	if (input.before !== undefined) filter(`m."createdAt" < ?`, input.before);
	if (input.after !== undefined) filter(`m."createdAt" >= ?`, input.after);
	const cursor = decodeCursor(input.cursor);
	if (!relevance && cursor && "at" in cursor) {
		where.push(`(m."createdAt" < ? OR (m."createdAt" = ? AND m.rowid < ?))`);
		binds.push(cursor.at, cursor.at, cursor.rowid);
	}
	const offset = relevance && cursor && "offset" in cursor ? cursor.offset : 0;
	const order = relevance ? `${score} ASC, m."createdAt" DESC` : `m."createdAt" DESC, m.rowid DESC`;
	const sql = `SELECT m.rowid AS rowid, m."roomId" AS roomId, r."name" AS roomName, m."seq" AS seq, m."messageId" AS messageId,
		       m."authorId" AS authorId, m."authorName" AS authorName, m."createdAt" AS createdAt
		FROM ${from}
		JOIN "room" r ON r."id" = m."roomId"
		LEFT JOIN "room_member" rm ON rm."roomId" = m."roomId" AND rm."userId" = ?
		WHERE ${where.join(" AND ")}
		ORDER BY ${order}
		LIMIT ? OFFSET ?`;
	const head = relevance ? [match] : [];
	const rows = (
		await db
			.prepare(sql)
			.bind(...head, input.userId, ...binds, input.limit + 1, offset)
			.all<Row>()
	).results;
	const page = rows.slice(0, input.limit);
	const snippets = await snippetsFor(db, page, mode, table, match, q);
	const last = page.at(-1);
	const more = rows.length > input.limit && last;
	return {
		hits: page.map((row) => ({
			roomId: row.roomId,
			roomName: row.roomName,
			seq: row.seq,
			messageId: row.messageId,
			author: { id: row.authorId, name: row.authorName },
			createdAt: row.createdAt,
			snippet: pieces(snippets.get(row.rowid) ?? ""),
		})),
		next: more ? (relevance ? `o:${offset + input.limit}` : `${last.createdAt}:${last.rowid}`) : null,
		mode,
	};
}

/** Snippets for one page of rows: FTS5's own, with the match marked, or made here for a scan. */
async function snippetsFor(
	db: D1Database,
	page: Row[],
	mode: SearchResult["mode"],
	table: string,
	match: string | null,
	q: string,
): Promise<Map<number, string>> {
	if (page.length === 0) return new Map();
	const ids = page.map((row) => row.rowid);
	const marks = ids.map(() => "?").join(", ");
	if (mode === "scan" || match === null) {
		const rows = (
			await db
				.prepare(`SELECT rowid, "text" FROM "archive_message" WHERE rowid IN (${marks})`)
				.bind(...ids)
				.all<{ rowid: number; text: string }>()
		).results;
		return new Map(rows.map((row) => [row.rowid, scanSnippet(row.text, q)]));
	}
	const rows = (
		await db
			.prepare(
				`SELECT rowid, snippet("${table}", 0, char(57344), char(57345), '…', 16) AS snippet
				 FROM "${table}" WHERE "${table}" MATCH ? AND rowid IN (${marks})`,
			)
			.bind(match, ...ids)
			.all<{ rowid: number; snippet: string }>()
	).results;
	return new Map(rows.map((row) => [row.rowid, row.snippet]));
}

/** Rooms the results come from (or the one searched) whose archive has not caught up. */
async function behind(db: D1Database, input: SearchInput, hits: SearchHit[]) {
	const ids = [...new Set([...(input.room ? [input.room] : []), ...hits.map((h) => h.roomId)])].slice(0, 50);
	if (ids.length === 0) return [];
	const rows = await db
		.prepare(
			`SELECT r."id" AS roomId, r."name" AS roomName, r."latestSeq" - COALESCE(s."archivedSeq", 0) AS missing
			 FROM "room" r LEFT JOIN "archive_state" s ON s."roomId" = r."id"
			 WHERE r."id" IN (${ids.map(() => "?").join(", ")}) AND r."latestSeq" > COALESCE(s."archivedSeq", 0)`,
		)
		.bind(...ids)
		.all<{ roomId: string; roomName: string; missing: number }>();
	return rows.results;
}
