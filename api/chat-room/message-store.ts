import { monotonicFactory } from "ulid";
import type { Author, ChatMessage } from "../protocol/room-protocol";

type MessageRow = {
	seq: number;
	id: string;
	author_id: string;
	author_name: string;
	author_image: string | null;
	author_guest: number;
	text: string;
	created_at: number;
	client_id: string;
};

const COLUMNS = "seq, id, author_id, author_name, author_image, author_guest, text, created_at, client_id";

/** The store's reads, named so a test can check each one's query plan (all by index, none sorts). */
export const MESSAGE_QUERIES = {
	byClient: `SELECT ${COLUMNS} FROM messages WHERE author_id = ? AND client_id = ?`,
	after: `SELECT ${COLUMNS} FROM messages WHERE seq > ? ORDER BY seq ASC LIMIT ?`,
	page: `SELECT ${COLUMNS} FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
} as const;

function toMessage(row: MessageRow): ChatMessage {
	return {
		seq: row.seq,
		id: row.id,
		author: { id: row.author_id, name: row.author_name, image: row.author_image, guest: row.author_guest === 1 },
		text: row.text,
		createdAt: row.created_at,
		clientId: row.client_id,
	};
}

/**
 * The room's messages in its Durable Object's SQLite. The latest seq is the larger of the
 * highest stored row and a high-water mark in `room_meta`; the mark is written only just before
 * rows are deleted, so seqs keep growing after pruning and are never reused, while an insert
 * costs one statement. All calls are synchronous: callers can insert, ack and broadcast in one turn.
 */
export class MessageStore {
	private lastSeq: number;
	// Monotonic within one millisecond too, since Date.now() stands still during a request.
	private readonly newId = monotonicFactory();

	/** The schema is the room's to migrate first (room-schema.ts). */
	constructor(private readonly sql: SqlStorage) {
		this.lastSeq = sql
			.exec<{ seq: number }>(
				"SELECT MAX((SELECT value FROM room_meta WHERE key = 'last_seq'), IFNULL((SELECT MAX(seq) FROM messages), 0)) AS seq",
			)
			.one().seq;
	}

	/** Highest seq ever assigned; 0 before the first message. */
	get latestSeq(): number {
		return this.lastSeq;
	}

	/** Lowest seq still stored, or latestSeq + 1 when nothing is. */
	oldestSeq(): number {
		const row = this.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM messages").one();
		return row.seq ?? this.lastSeq + 1;
	}

	/** When the message with this seq was stored; null when it is not kept. */
	createdAtOf(seq: number): number | null {
		const rows = this.sql.exec<{ created_at: number }>("SELECT created_at FROM messages WHERE seq = ?", seq).toArray();
		return rows[0]?.created_at ?? null;
	}

	count(): number {
		return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n;
	}

	/** The message an author already sent with this idempotency key, if it is still kept. */
	findByClientId(authorId: string, clientId: string): ChatMessage | null {
		const rows = this.sql.exec<MessageRow>(MESSAGE_QUERIES.byClient, authorId, clientId).toArray();
		return rows[0] ? toMessage(rows[0]) : null;
	}

	/** Stores a message under the next seq. */
	append(author: Author, text: string, clientId: string, createdAt: number): ChatMessage {
		const seq = this.lastSeq + 1;
		const message: ChatMessage = { seq, id: this.newId(createdAt), author, text, createdAt, clientId };
		this.sql.exec(
			`INSERT INTO messages (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			seq,
			message.id,
			author.id,
			author.name,
			author.image,
			author.guest ? 1 : 0,
			text,
			createdAt,
			clientId,
		);
		this.lastSeq = seq;
		return message;
	}

	/**
	 * Deletes the oldest rows with seq <= cutoff, at most `limit`. Records the latest seq first, in
	 * the same transaction, so deleting even the newest row never lets its seq be handed out again.
	 */
	deleteOldest(cutoff: number, limit: number): void {
		this.sql.exec("UPDATE room_meta SET value = ? WHERE key = 'last_seq'", this.lastSeq);
		this.sql.exec(
			"DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE seq <= ? ORDER BY seq LIMIT ?)",
			cutoff,
			limit,
		);
	}

	/** Messages with seq > since, ascending, at most `limit`. */
	after(since: number, limit: number): ChatMessage[] {
		return this.sql.exec<MessageRow>(MESSAGE_QUERIES.after, since, limit).toArray().map(toMessage);
	}

	/** The newest `limit` messages with seq < before (all when before is undefined), ascending. */
	page(before: number | undefined, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
		const rows = this.sql
			.exec<MessageRow>(MESSAGE_QUERIES.page, before ?? Number.MAX_SAFE_INTEGER, limit + 1)
			.toArray();
		const hasMore = rows.length > limit;
		return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore };
	}
}
