import type { ArchiveRetention, SyncHealth } from "../protocol/http-api";
import type { ChatMessage } from "../protocol/room-protocol";
import type { MessageStore } from "./message-store";

/**
 * Outbox rows per D1 batch. Each chunk's statements bind at most 100 parameters (the room id and
 * up to 90 seqs; 8 per message in a multi-row upsert), so one batch holds about a dozen statements
 * whatever the chunk's size.
 */
const CHUNK = 30;
/** Rows per multi-row upsert: 8 parameters each, under D1's 100 per statement. */
const UPSERT_ROWS = 12;
/** A multi-row upsert's text stays under this many UTF-8 bytes (D1: 100 KB per statement). */
const UPSERT_BYTES = 60_000;
/** One alarm drains at most this many chunks, then yields (the next alarm follows at once). */
const CHUNKS_PER_ALARM = 10;
/** A failed batch is retried after 1 s, doubling up to a minute, for as long as it takes. */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/** Archive rows removed per batch when the owner has the archive pruned with the room. */
const PRUNE_ROWS = 500;

/**
 * Copies the room to the D1 archive. Every stored message, edit and delete leaves a row in
 * `archive_outbox` in the same transaction (message-store.ts); this drains those rows from the
 * room's alarm: for each message, its current state goes to D1 in one batch per chunk, with the
 * full-text entries removed (with the row's current text) and added again, so a chunk sent twice
 * changes nothing. Only after D1 accepted a chunk are its outbox rows deleted. D1 being down
 * never blocks the room: the rows wait, and the alarm retries with capped backoff, forever.
 */
export class ArchiveSync {
	constructor(
		private readonly sql: SqlStorage,
		private readonly store: MessageStore,
		private readonly db: D1Database,
	) {}

	/** The room's id (rooms learn it from their first connection); null before. */
	roomId(): string | null {
		return this.text("room_id");
	}

	rememberRoomId(roomId: string): void {
		this.sql.exec("INSERT OR IGNORE INTO room_text (key, value) VALUES ('room_id', ?)", roomId);
	}

	/** The highest seq up to which everything is in the archive. */
	archivedSeq(): number {
		const row = this.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM archive_outbox").one();
		return row.seq === null ? this.store.latestSeq : row.seq - 1;
	}

	health(now: number): SyncHealth {
		const row = this.sql
			.exec<{ n: number; oldest: number | null }>("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM archive_outbox")
			.one();
		const message = this.text("archive_error");
		const at = Number(this.text("archive_error_at") ?? 0);
		return {
			latestSeq: this.store.latestSeq,
			archivedSeq: this.archivedSeq(),
			pending: row.n,
			oldestPendingMs: row.oldest === null ? 0 : Math.max(0, now - row.oldest),
			lastError: message ? { message, at } : null,
			retention: this.retention(),
			paused: this.paused(),
		};
	}

	/**
	 * What happens to the archive when the room prunes by its retention policy: by default the
	 * archive keeps everything (search still finds it); the owner may have it pruned too.
	 */
	retention(): ArchiveRetention {
		return this.text("archive_retention") === "pruned" ? "pruned" : "kept";
	}

	setRetention(retention: ArchiveRetention): void {
		this.setText("archive_retention", retention);
	}

	/** Development and tests only (the route that sets it exists only with the dev tools). */
	paused(): boolean {
		return this.text("archive_paused") !== null;
	}

	setPaused(paused: boolean): void {
		if (paused) this.setText("archive_paused", "1");
		else this.sql.exec("DELETE FROM room_text WHERE key = 'archive_paused'");
	}

	/** The room's side of the archive check: live messages by block, from `fromSeq` on. */
	digest(fromSeq: number): BlockDigest[] {
		return this.sql
			.exec<BlockDigest>(BLOCK_DIGEST("messages", "seq", "rev", "deleted_at IS NULL AND seq >= ?"), fromSeq)
			.toArray();
	}

	/**
	 * Sends the room's whole kept history to the archive again: every message back in the outbox.
	 * The caller has removed the room's rows from the archive first, so what comes back is exactly
	 * what the room holds.
	 */
	requeueAll(): number {
		this.sql.exec(
			"INSERT OR IGNORE INTO archive_outbox (seq, message_id, at) SELECT seq, id, created_at FROM messages",
		);
		return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM archive_outbox").one().n;
	}

	/** Whether anything waits to be copied. */
	hasPending(): boolean {
		return this.sql.exec("SELECT 1 FROM archive_outbox LIMIT 1").toArray().length > 0;
	}

	/**
	 * Copies up to CHUNKS_PER_ALARM chunks. Returns when the alarm should come back for the rest:
	 * at once when more is waiting, after the backoff when D1 failed, null when all is copied.
	 */
	async drain(now: number): Promise<number | null> {
		const roomId = this.roomId();
		if (!roomId || this.paused()) return null;
		for (let i = 0; i < CHUNKS_PER_ALARM; i++) {
			const rows = this.sql
				.exec<{ seq: number; message_id: string }>(
					"SELECT seq, message_id FROM archive_outbox ORDER BY seq LIMIT ?",
					CHUNK,
				)
				.toArray();
			const last = rows.at(-1);
			if (!last) {
				this.clearError();
				return this.retention() === "pruned" ? this.pruneArchive(roomId, now) : null;
			}
			const after = this.sql
				.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM archive_outbox WHERE seq > ?", last.seq)
				.one().seq;
			const archivedSeq = after === null ? this.store.latestSeq : after - 1;
			const messages: ChatMessage[] = [];
			for (const id of new Set(rows.map((r) => r.message_id))) {
				// Pruned since: what the archive has of it stays (unless the owner chose otherwise).
				const message = this.store.findById(id);
				if (message) messages.push(message);
			}
			const statements = this.statementsFor(roomId, messages);
			statements.push(
				this.db
					.prepare(
						`INSERT INTO archive_state ("roomId", "archivedSeq", "updatedAt") VALUES (?, ?, ?)
						 ON CONFLICT ("roomId") DO UPDATE SET "archivedSeq" = MAX("archivedSeq", excluded."archivedSeq"), "updatedAt" = excluded."updatedAt"`,
					)
					.bind(roomId, archivedSeq, now),
			);
			try {
				await this.db.batch(statements);
			} catch (error) {
				return now + this.failed(error, now);
			}
			this.sql.exec("DELETE FROM archive_outbox WHERE seq <= ?", last.seq);
			this.clearError();
		}
		return this.hasPending() ? now : null;
	}

	/**
	 * With the archive pruned too: removes from D1 what the room no longer holds, up to PRUNE_ROWS
	 * rows per batch, index entries first (they are read from the row being removed). Everything
	 * below the room's oldest kept seq goes, so turning the setting on also clears what was pruned
	 * before. Returns when to come back, like `drain`.
	 */
	private async pruneArchive(roomId: string, now: number): Promise<number | null> {
		const through = this.store.oldestSeq() - 1;
		if (through <= Number(this.text("archive_pruned_through") ?? 0)) return null;
		const oldest = `SELECT rowid FROM "archive_message" WHERE "roomId" = ? AND "seq" <= ? ORDER BY "seq" LIMIT ${PRUNE_ROWS}`;
		const unindex = (table: string) =>
			this.db
				.prepare(
					`INSERT INTO "${table}" ("${table}", rowid, "text") SELECT 'delete', rowid, "text" FROM "archive_message" WHERE rowid IN (${oldest})`,
				)
				.bind(roomId, through);
		let removed: number;
		try {
			const results = await this.db.batch([
				unindex("archive_fts"),
				unindex("archive_trigram"),
				this.db.prepare(`DELETE FROM "archive_message" WHERE rowid IN (${oldest})`).bind(roomId, through),
			]);
			removed = results.at(-1)?.meta.changes ?? 0;
		} catch (error) {
			return now + this.failed(error, now);
		}
		if (removed < PRUNE_ROWS) this.setText("archive_pruned_through", String(through));
		return removed < PRUNE_ROWS ? null : now;
	}

	/**
	 * The messages' current state, with their full-text entries replaced: every entry is removed
	 * (with the row's text as it is in D1), the rows are upserted (or deleted), and the entries are
	 * added again from the rows as they end up. A few multi-row statements per chunk, not five per
	 * message: the copy then costs D1 (and the room's thread) little while the room is busy.
	 */
	private statementsFor(roomId: string, messages: ChatMessage[]): D1PreparedStatement[] {
		if (messages.length === 0) return [];
		const seqs = (list: ChatMessage[]) => list.map((m) => m.seq);
		const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
		const rowsOf = (list: ChatMessage[]) =>
			`SELECT rowid, "text" FROM "archive_message" WHERE "roomId" = ? AND "seq" IN (${placeholders(list.length)})`;
		const unindex = (table: string) =>
			this.db
				.prepare(
					`INSERT INTO "${table}" ("${table}", rowid, "text") SELECT 'delete', rowid, "text" FROM (${rowsOf(messages)})`,
				)
				.bind(roomId, ...seqs(messages));
		const statements = [unindex("archive_fts"), unindex("archive_trigram")];
		const deleted = messages.filter((m) => m.deleted);
		if (deleted.length > 0)
			statements.push(
				this.db
					.prepare(`DELETE FROM "archive_message" WHERE "roomId" = ? AND "seq" IN (${placeholders(deleted.length)})`)
					.bind(roomId, ...seqs(deleted)),
			);
		const live = messages.filter((m) => !m.deleted);
		for (const group of upsertGroups(live)) {
			statements.push(
				this.db
					.prepare(
						`INSERT INTO "archive_message" ("roomId", "seq", "messageId", "authorId", "authorName", "text", "createdAt", "rev")
						 VALUES ${group.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
						 ON CONFLICT ("roomId", "seq") DO UPDATE SET "text" = excluded."text", "authorName" = excluded."authorName", "rev" = excluded."rev"
						 WHERE excluded."rev" > "archive_message"."rev"`,
					)
					.bind(...group.flatMap((m) => [roomId, m.seq, m.id, m.author.id, m.author.name, m.text, m.createdAt, m.rev])),
			);
		}
		if (live.length > 0)
			for (const table of ["archive_fts", "archive_trigram"])
				statements.push(
					this.db.prepare(`INSERT INTO "${table}" (rowid, "text") ${rowsOf(live)}`).bind(roomId, ...seqs(live)),
				);
		return statements;
	}

	private failed(error: unknown, now: number): number {
		const failures = Number(this.text("archive_failures") ?? 0) + 1;
		this.setText("archive_failures", String(failures));
		this.setText("archive_error", error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500));
		this.setText("archive_error_at", String(now));
		console.error("archive batch failed; will retry", error);
		return Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failures - 1));
	}

	private clearError(): void {
		this.sql.exec("DELETE FROM room_text WHERE key IN ('archive_failures', 'archive_error', 'archive_error_at')");
	}

	private text(key: string): string | null {
		const rows = this.sql.exec<{ value: string }>("SELECT value FROM room_text WHERE key = ?", key).toArray();
		return rows[0]?.value ?? null;
	}

	private setText(key: string, value: string): void {
		this.sql.exec("INSERT OR REPLACE INTO room_text (key, value) VALUES (?, ?)", key, value);
	}
}

/** Splits rows for multi-row upserts: at most UPSERT_ROWS rows and about UPSERT_BYTES of text each. */
function upsertGroups(messages: ChatMessage[]): ChatMessage[][] {
	const groups: ChatMessage[][] = [];
	let group: ChatMessage[] = [];
	let bytes = 0;
	for (const m of messages) {
		// UTF-8 takes at most 3 bytes per UTF-16 unit: a bound without encoding the text.
		const size = m.text.length * 3 + m.author.name.length * 3 + 200;
		if (group.length === UPSERT_ROWS || (group.length > 0 && bytes + size > UPSERT_BYTES)) {
			groups.push(group);
			group = [];
			bytes = 0;
		}
		group.push(m);
		bytes += size;
	}
	if (group.length > 0) groups.push(group);
	return groups;
}

/** Seqs per block of the archive check: a mismatch names the block to look at. */
export const CHECK_BLOCK = 1_000;

/**
 * What the check compares, for one block of seqs: how many live (not deleted) messages, and a
 * checksum of their (seq, rev) that both SQLites compute the same way. Blocks below `fromSeq`
 * (pruned from the room, kept in the archive) are left out.
 */
export const BLOCK_DIGEST = (table: string, seqColumn: string, revColumn: string, where: string) =>
	`SELECT ${seqColumn} / ${CHECK_BLOCK} AS block, COUNT(*) AS n, MAX(${seqColumn}) AS maxSeq,
	        SUM((${seqColumn} * 2654435761 + ${revColumn} * 40503) % 4294967296) AS sum
	 FROM ${table} WHERE ${where} GROUP BY block ORDER BY block`;

export type BlockDigest = { block: number; n: number; maxSeq: number; sum: number };
