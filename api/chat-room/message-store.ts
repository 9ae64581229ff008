import { monotonicFactory } from "ulid";
import * as v from "valibot";
import { type Mention, MentionSchema, readableText } from "../protocol/mentions";
import { type ChangeEvent, ChangeEventSchema, ReactionSchema, replyExcerpt } from "../protocol/message-events";
import type { Author, ChatMessage, RoomEvent } from "../protocol/room-protocol";

/**
 * The columns a message is read from, in the order `toMessage` takes them. Rows are read as
 * arrays (`raw()`): building a 24-key object per row cost the runtime more than the query did.
 */
const COLUMNS =
	"seq, n, id, author_id, author_name, author_image, author_guest, text, created_at, client_id, rev, edited_at, deleted_at, deleted_by_id, deleted_by_name, deleted_by_moderator, reactions, reply_to_id, reply_to_seq, reply_author_name, reply_excerpt, reply_deleted, mentions, here";

/** The store's reads, named so a test can check each one's query plan (all by index, none sorts). */
export const MESSAGE_QUERIES = {
	byClient: `SELECT ${COLUMNS} FROM messages WHERE author_id = ? AND client_id = ?`,
	byId: `SELECT ${COLUMNS} FROM messages WHERE id = ?`,
	after: `SELECT ${COLUMNS} FROM messages WHERE seq > ? ORDER BY seq ASC LIMIT ?`,
	page: `SELECT ${COLUMNS} FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
	newest: "SELECT created_at FROM messages ORDER BY seq DESC LIMIT 1",
	// A message keeps the seq it was created with and ordinals are handed out in the same order,
	// so the oldest seq holds the lowest ordinal. `MIN(n)` had no index to use: it read every row,
	// once per written batch (the retention check), a third of a busy room's time at 10k messages.
	oldestN: "SELECT n FROM messages ORDER BY seq ASC LIMIT 1",
	changesAfter: "SELECT body FROM events WHERE seq > ? ORDER BY seq ASC LIMIT ?",
	changeByClient: "SELECT body FROM events WHERE actor_id = ? AND client_id = ?",
} as const;

const ReactionsSchema = v.array(ReactionSchema);
const MentionsSchema = v.array(MentionSchema);
const NotifiedSchema = v.array(v.string());

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

const int = (value: SqlStorageValue | undefined): number => (typeof value === "number" ? value : 0);
const intOrNull = (value: SqlStorageValue | undefined): number | null => (typeof value === "number" ? value : null);
const str = (value: SqlStorageValue | undefined): string => (typeof value === "string" ? value : "");
const strOrNull = (value: SqlStorageValue | undefined): string | null => (typeof value === "string" ? value : null);

/** A JSON array column; most rows hold "[]", which needs no parsing. */
function listOf<T>(value: SqlStorageValue | undefined, schema: v.GenericSchema<unknown, T[]>): T[] {
	if (value === "[]" || typeof value !== "string") return [];
	const parsed = v.safeParse(schema, parseJson(value));
	return parsed.success ? parsed.output : [];
}

/** A row of COLUMNS, each value checked for its type: the room's own file is still read, not trusted. */
function toMessage(row: SqlStorageValue[]): ChatMessage {
	const [
		seq,
		n,
		id,
		authorId,
		authorName,
		authorImage,
		authorGuest,
		text,
		createdAt,
		clientId,
		rev,
		editedAt,
		deletedAt,
		deletedById,
		deletedByName,
		deletedByModerator,
		reactions,
		replyToId,
		replyToSeq,
		replyAuthorName,
		replyExcerpt,
		replyDeleted,
		mentions,
		here,
	] = row;
	const replyTo = strOrNull(replyToId);
	return {
		seq: int(seq),
		n: int(n),
		id: str(id),
		author: {
			id: str(authorId),
			name: str(authorName),
			image: strOrNull(authorImage),
			guest: authorGuest === 1,
		},
		text: str(text),
		createdAt: int(createdAt),
		clientId: str(clientId),
		rev: int(rev),
		editedAt: intOrNull(editedAt),
		deleted:
			typeof deletedAt !== "number"
				? null
				: {
						by: { id: str(deletedById), name: str(deletedByName) },
						at: deletedAt,
						moderator: deletedByModerator === 1,
					},
		reactions: listOf(reactions, ReactionsSchema),
		mentions: listOf(mentions, MentionsSchema),
		here: here === 1,
		replyTo:
			replyTo === null
				? null
				: {
						id: replyTo,
						seq: int(replyToSeq),
						authorName: str(replyAuthorName),
						excerpt: str(replyExcerpt),
						deleted: replyDeleted === 1,
					},
	};
}

/**
 * ulid asks for one random number per character it draws; serving them from a pool asks the
 * platform once per 256 instead of 16 times per id (a tenth of a busy room's id cost otherwise).
 */
function pooledRandom(): () => number {
	const pool = new Uint8Array(256);
	let next = pool.length;
	return () => {
		if (next === pool.length) {
			crypto.getRandomValues(pool);
			next = 0;
		}
		return (pool[next++] ?? 0) / 256;
	};
}

function toChange(body: string): ChangeEvent | null {
	const parsed = v.safeParse(ChangeEventSchema, parseJson(body));
	return parsed.success ? parsed.output : null;
}

/**
 * The room's log in its Durable Object's SQLite: messages (each with its folded state) and the
 * changes made to them, which share one seq counter. The latest seq is the larger of the highest
 * stored row and a high-water mark in `room_meta`; the mark is written only just before rows are
 * deleted, so seqs keep growing after pruning and are never reused. All calls are synchronous:
 * callers can write, ack and broadcast in one turn.
 */
export class MessageStore {
	private lastSeq: number;
	private lastN: number;
	// Monotonic within one millisecond too, since Date.now() stands still during a request.
	private readonly newId = monotonicFactory(pooledRandom());

	/** The schema is the room's to migrate first (room-schema.ts). */
	constructor(private readonly sql: SqlStorage) {
		const row = sql
			.exec<{ seq: number; n: number }>(
				`SELECT MAX((SELECT value FROM room_meta WHERE key = 'last_seq'), IFNULL((SELECT MAX(seq) FROM messages), 0),
				            IFNULL((SELECT MAX(seq) FROM events), 0)) AS seq,
				        MAX(IFNULL((SELECT value FROM room_meta WHERE key = 'last_n'), 0), IFNULL((SELECT MAX(n) FROM messages), 0)) AS n`,
			)
			.one();
		this.lastSeq = row.seq;
		this.lastN = row.n;
	}

	/** Highest seq ever assigned (to a message or a change); 0 before the first. */
	get latestSeq(): number {
		return this.lastSeq;
	}

	/** How many messages the room ever stored: the `n` of the newest. */
	get latestN(): number {
		return this.lastN;
	}

	/** Lowest message seq still stored, or latestSeq + 1 when nothing is. */
	oldestSeq(): number {
		const row = this.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM messages").one();
		return row.seq ?? this.lastSeq + 1;
	}

	/** The `n` of the oldest message still stored (latestN + 1 when none is). */
	oldestN(): number {
		const rows = this.sql.exec<{ n: number }>(MESSAGE_QUERIES.oldestN).toArray();
		return rows[0]?.n ?? this.lastN + 1;
	}

	/** Messages kept. */
	count(): number {
		return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n;
	}

	/** When the newest kept message was sent; null when none is kept. */
	newestCreatedAt(): number | null {
		const rows = this.sql.exec<{ created_at: number }>(MESSAGE_QUERIES.newest).toArray();
		return rows[0]?.created_at ?? null;
	}

	/** When the message with this seq was stored; null when it is not kept. */
	createdAtOf(seq: number): number | null {
		const rows = this.sql.exec<{ created_at: number }>("SELECT created_at FROM messages WHERE seq = ?", seq).toArray();
		return rows[0]?.created_at ?? null;
	}

	/** Everyone ever told of a message's mentions (user ids, and "here" once @here went out). */
	notifiedOf(id: string): string[] {
		const rows = this.sql.exec<{ notified: string }>("SELECT notified FROM messages WHERE id = ?", id).toArray();
		const parsed = v.safeParse(NotifiedSchema, parseJson(rows[0]?.notified ?? "[]"));
		return parsed.success ? parsed.output : [];
	}

	/** The message an author already sent with this idempotency key, if it is still kept. */
	findByClientId(authorId: string, clientId: string): ChatMessage | null {
		const row = this.sql.exec(MESSAGE_QUERIES.byClient, authorId, clientId).raw().next();
		return row.done ? null : toMessage(row.value);
	}

	/** A message by its id, if it is still kept. */
	findById(id: string): ChatMessage | null {
		const row = this.sql.exec(MESSAGE_QUERIES.byId, id).raw().next();
		return row.done ? null : toMessage(row.value);
	}

	/** The change an actor already made with this idempotency key. */
	findChangeByClientId(actorId: string, clientId: string): ChangeEvent | null {
		const rows = this.sql.exec<{ body: string }>(MESSAGE_QUERIES.changeByClient, actorId, clientId).toArray();
		return rows[0] ? toChange(rows[0].body) : null;
	}

	/**
	 * Stores a message under the next seq; a reply carries what its parent looks like now. Returns
	 * null, storing nothing, when this author already sent this clientId: the unique index answers
	 * that in the insert itself, so a new message costs no lookup first.
	 */
	append(
		author: Author,
		text: string,
		clientId: string,
		createdAt: number,
		replyTo: ChatMessage | null,
		addressed: { mentions: Mention[]; here: boolean; notified: string[] } = { mentions: [], here: false, notified: [] },
	): ChatMessage | null {
		const seq = this.lastSeq + 1;
		const n = this.lastN + 1;
		const message: ChatMessage = {
			seq,
			n,
			id: this.newId(createdAt),
			author,
			text,
			createdAt,
			clientId,
			rev: seq,
			editedAt: null,
			deleted: null,
			reactions: [],
			mentions: addressed.mentions,
			here: addressed.here,
			replyTo: replyTo && {
				id: replyTo.id,
				seq: replyTo.seq,
				authorName: replyTo.author.name,
				excerpt: replyTo.deleted ? "" : replyExcerpt(readableText(replyTo.text, replyTo.mentions)),
				deleted: replyTo.deleted !== null,
			},
		};
		const inserted = this.sql.exec(
			`INSERT INTO messages (seq, n, id, author_id, author_name, author_image, author_guest, text, created_at, client_id, rev,
			                       reply_to_id, reply_to_seq, reply_author_name, reply_excerpt, reply_deleted, mentions, here, notified)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (author_id, client_id) DO NOTHING`,
			seq,
			n,
			message.id,
			author.id,
			author.name,
			author.image,
			author.guest ? 1 : 0,
			text,
			createdAt,
			clientId,
			seq,
			message.replyTo?.id ?? null,
			message.replyTo?.seq ?? null,
			message.replyTo?.authorName ?? null,
			message.replyTo?.excerpt ?? null,
			message.replyTo?.deleted ? 1 : 0,
			JSON.stringify(addressed.mentions),
			addressed.here ? 1 : 0,
			JSON.stringify(addressed.notified),
		);
		if (inserted.rowsWritten === 0) return null;
		// For the D1 archive, in the same transaction: a stored message is never missed there.
		this.sql.exec("INSERT INTO archive_outbox (seq, message_id, at) VALUES (?, ?, ?)", seq, message.id, createdAt);
		this.lastSeq = seq;
		this.lastN = n;
		return message;
	}

	/** The seq the next change takes. */
	nextSeq(): number {
		return this.lastSeq + 1;
	}

	/**
	 * Records a change under the next seq together with the message as it folds to: the log entry
	 * (for replay and idempotent resends) and the message's new state in one turn.
	 */
	recordChange(change: ChangeEvent, actorId: string, clientId: string, folded: ChatMessage, notified?: string[]): void {
		this.sql.exec(
			"INSERT INTO events (seq, kind, message_id, message_seq, actor_id, client_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			change.seq,
			change.kind,
			change.messageId,
			change.messageSeq,
			actorId,
			clientId,
			JSON.stringify(change),
			change.at,
		);
		this.sql.exec(
			`UPDATE messages SET text = ?, rev = ?, edited_at = ?, deleted_at = ?, deleted_by_id = ?, deleted_by_name = ?,
			                     deleted_by_moderator = ?, reactions = ?, mentions = ?, here = ? WHERE id = ?`,
			folded.text,
			folded.rev,
			folded.editedAt,
			folded.deleted?.at ?? null,
			folded.deleted?.by.id ?? null,
			folded.deleted?.by.name ?? null,
			folded.deleted?.moderator ? 1 : 0,
			JSON.stringify(folded.reactions),
			JSON.stringify(folded.mentions),
			folded.here ? 1 : 0,
			folded.id,
		);
		if (notified) this.sql.exec("UPDATE messages SET notified = ? WHERE id = ?", JSON.stringify(notified), folded.id);
		// Every change moves the message's rev, which the archive check compares; a reaction changes
		// no searchable text, but without it here the archive's rev would trail the room's.
		this.sql.exec(
			"INSERT INTO archive_outbox (seq, message_id, at) VALUES (?, ?, ?)",
			change.seq,
			change.messageId,
			change.at,
		);
		if (change.kind === "delete") {
			// A deleted message keeps nothing of what it said: not in the log's earlier edits either.
			// The rows stay, so a resend of one of those edits is still acked with its result.
			this.sql.exec(
				"UPDATE events SET body = json_set(body, '$.text', '') WHERE message_id = ? AND kind = 'edit'",
				folded.id,
			);
		}
		// Replies show their parent as it is now: they follow its edits and its deletion.
		if (change.kind === "edit" || change.kind === "delete") {
			this.sql.exec(
				"UPDATE messages SET reply_excerpt = ?, reply_deleted = ? WHERE reply_to_id = ?",
				folded.deleted ? "" : replyExcerpt(readableText(folded.text, folded.mentions)),
				folded.deleted ? 1 : 0,
				folded.id,
			);
		}
		this.lastSeq = change.seq;
	}

	/** Messages with seq > since, ascending, at most `limit`. */
	after(since: number, limit: number): ChatMessage[] {
		return Array.from(this.sql.exec(MESSAGE_QUERIES.after, since, limit).raw(), toMessage);
	}

	/**
	 * The log after `since`, at most `limit` entries in seq order: messages created since (as they
	 * are now, so a create may carry a later `rev`) and changes made since. `upTo` is the seq the
	 * answer is whole to: the latest seq when nothing was cut off. Changes to pruned messages went
	 * with them, so seqs may be missing; the answer is still whole to `upTo`.
	 */
	eventsAfter(since: number, limit: number): { events: RoomEvent[]; upTo: number; more: boolean } {
		const creates: RoomEvent[] = this.after(since, limit + 1).map((message) => ({
			kind: "create",
			seq: message.seq,
			message,
		}));
		const changes = this.sql
			.exec<{ body: string }>(MESSAGE_QUERIES.changesAfter, since, limit + 1)
			.toArray()
			.flatMap((row) => toChange(row.body) ?? []);
		const merged = [...creates, ...changes].sort((a, b) => a.seq - b.seq);
		if (merged.length <= limit) return { events: merged, upTo: Math.max(since, this.lastSeq), more: false };
		const events = merged.slice(0, limit);
		return { events, upTo: events.at(-1)?.seq ?? since, more: true };
	}

	/** The newest `limit` messages with seq < before (all when before is undefined), ascending. */
	page(before: number | undefined, limit: number): { messages: ChatMessage[]; hasOlder: boolean } {
		const rows = Array.from(this.sql.exec(MESSAGE_QUERIES.page, before ?? Number.MAX_SAFE_INTEGER, limit + 1).raw());
		const hasOlder = rows.length > limit;
		return { messages: rows.slice(0, limit).reverse().map(toMessage), hasOlder };
	}

	/**
	 * The messages on both sides of `seq`: the message at `seq` (or the first after it) and those
	 * just before it, `limit` in all, ascending. For permalinks and jumps to a reply's parent.
	 */
	around(seq: number, limit: number): { messages: ChatMessage[]; hasOlder: boolean; hasNewer: boolean } {
		const olderCount = Math.floor(limit / 2);
		const older = this.page(seq, olderCount);
		const newer = this.pageAfter(seq - 1, limit - older.messages.length);
		return { messages: [...older.messages, ...newer.messages], hasOlder: older.hasOlder, hasNewer: newer.hasNewer };
	}

	/** The oldest `limit` messages with seq > after, ascending, and whether newer ones follow. */
	pageAfter(after: number, limit: number): { messages: ChatMessage[]; hasNewer: boolean } {
		const messages = this.after(after, limit + 1);
		return { messages: messages.slice(0, limit), hasNewer: messages.length > limit };
	}

	/** The earlier texts of a message, oldest first, each with the time it was written. */
	versions(messageId: string): Array<{ text: string; at: number }> {
		return this.sql
			.exec<{ text: string; at: number }>(
				"SELECT text, written_at AS at FROM message_versions WHERE message_id = ? ORDER BY rev ASC",
				messageId,
			)
			.toArray();
	}

	/** Keeps a text an edit replaces, with when it was written (the message's time, or its last edit). */
	keepVersion(message: ChatMessage): void {
		this.sql.exec(
			"INSERT OR IGNORE INTO message_versions (message_id, rev, text, written_at) VALUES (?, ?, ?, ?)",
			message.id,
			message.rev,
			message.text,
			message.editedAt ?? message.createdAt,
		);
	}

	/** A deleted message keeps nothing of what it said. */
	forgetVersions(messageId: string): void {
		this.sql.exec("DELETE FROM message_versions WHERE message_id = ?", messageId);
	}

	/**
	 * Deletes the oldest messages with seq <= cutoff, at most `limit`, with their changes and
	 * earlier versions. Records the latest seq and n first, in the same transaction, so deleting
	 * even the newest row never lets a seq or an n be handed out again.
	 */
	deleteOldest(cutoff: number, limit: number): void {
		this.sql.exec("INSERT OR REPLACE INTO room_meta (key, value) VALUES ('last_seq', ?)", this.lastSeq);
		this.sql.exec("INSERT OR REPLACE INTO room_meta (key, value) VALUES ('last_n', ?)", this.lastN);
		const doomed = this.sql
			.exec<{ seq: number; id: string }>(
				"SELECT seq, id FROM messages WHERE seq <= ? ORDER BY seq LIMIT ?",
				cutoff,
				limit,
			)
			.toArray();
		const last = doomed.at(-1);
		if (!last) return;
		this.sql.exec("DELETE FROM events WHERE message_seq <= ?", last.seq);
		this.sql.exec(
			"DELETE FROM message_versions WHERE message_id IN (SELECT id FROM messages WHERE seq <= ?)",
			last.seq,
		);
		this.sql.exec("DELETE FROM messages WHERE seq <= ?", last.seq);
	}
}
