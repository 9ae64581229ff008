/**
 * The room's SQLite schema as an ordered list of migrations. A room stores the number of the last
 * one it ran in `room_meta`; on start it runs the rest, each in the same transaction as that
 * number, so a room is never left between two versions. Append to the list, never edit an entry:
 * rooms written by every earlier release must upgrade from where they are.
 */
const MIGRATIONS: ReadonlyArray<string> = [
	// 1: the schema every room had before versioning (rooms that have it already change nothing).
	`
	CREATE TABLE IF NOT EXISTS messages (
		seq INTEGER PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		author_id TEXT NOT NULL,
		author_name TEXT NOT NULL,
		author_image TEXT,
		text TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		client_id TEXT NOT NULL
	);
	CREATE UNIQUE INDEX IF NOT EXISTS messages_author_client ON messages (author_id, client_id);
	CREATE INDEX IF NOT EXISTS messages_created_at ON messages (created_at);
	INSERT OR IGNORE INTO room_meta (key, value) VALUES ('last_seq', 0);
	CREATE TABLE IF NOT EXISTS rate_limits (user_id TEXT PRIMARY KEY, tat REAL NOT NULL);
	`,
	// 2: guests are marked as guests wherever their name is shown; revoked sessions stay refused.
	`
	ALTER TABLE messages ADD COLUMN author_guest INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE revoked_sessions (session_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
	`,
	// 3: messages become living objects (protocol 4): changes take seqs of their own and fold into
	// the message (rev); messages get an ordinal `n`, since seqs now count changes too. Until now
	// every seq was a message, so n and rev start equal to seq.
	`
	ALTER TABLE messages ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE messages ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE messages ADD COLUMN edited_at INTEGER;
	ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
	ALTER TABLE messages ADD COLUMN deleted_by_id TEXT;
	ALTER TABLE messages ADD COLUMN deleted_by_name TEXT;
	ALTER TABLE messages ADD COLUMN deleted_by_moderator INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE messages ADD COLUMN reactions TEXT NOT NULL DEFAULT '[]';
	ALTER TABLE messages ADD COLUMN reply_to_id TEXT;
	ALTER TABLE messages ADD COLUMN reply_to_seq INTEGER;
	ALTER TABLE messages ADD COLUMN reply_author_name TEXT;
	ALTER TABLE messages ADD COLUMN reply_excerpt TEXT;
	ALTER TABLE messages ADD COLUMN reply_deleted INTEGER NOT NULL DEFAULT 0;
	UPDATE messages SET n = seq, rev = seq;
	CREATE INDEX messages_reply_to ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL;
	INSERT OR IGNORE INTO room_meta (key, value) SELECT 'last_n', value FROM room_meta WHERE key = 'last_seq';
	CREATE TABLE events (
		seq INTEGER PRIMARY KEY,
		kind TEXT NOT NULL,
		message_id TEXT NOT NULL,
		message_seq INTEGER NOT NULL,
		actor_id TEXT NOT NULL,
		client_id TEXT NOT NULL,
		body TEXT NOT NULL,
		created_at INTEGER NOT NULL
	);
	CREATE UNIQUE INDEX events_actor_client ON events (actor_id, client_id);
	CREATE INDEX events_message_seq ON events (message_seq);
	CREATE TABLE message_versions (
		message_id TEXT NOT NULL,
		rev INTEGER NOT NULL,
		text TEXT NOT NULL,
		written_at INTEGER NOT NULL,
		PRIMARY KEY (message_id, rev)
	) WITHOUT ROWID;
	CREATE TABLE moderation_log (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		at INTEGER NOT NULL,
		actor_id TEXT NOT NULL,
		actor_name TEXT NOT NULL,
		message_id TEXT NOT NULL,
		message_seq INTEGER NOT NULL,
		author_id TEXT NOT NULL,
		author_name TEXT NOT NULL,
		reason TEXT
	);
	`,
	// 4: mentions. The members a text mentions (resolved when stored), whether it says @here, and
	// everyone ever told of it, so an edit tells only those it mentions for the first time.
	`
	ALTER TABLE messages ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';
	ALTER TABLE messages ADD COLUMN here INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE messages ADD COLUMN notified TEXT NOT NULL DEFAULT '[]';
	`,
	// 5: the archive outbox. Each stored message and each edit or delete adds a row in the same
	// transaction; the alarm copies them to D1 and removes them. Rooms with history from before
	// start with all of it waiting, so the archive holds every room's whole history.
	`
	CREATE TABLE archive_outbox (seq INTEGER PRIMARY KEY, message_id TEXT NOT NULL, at INTEGER NOT NULL);
	INSERT INTO archive_outbox (seq, message_id, at) SELECT seq, id, created_at FROM messages;
	CREATE TABLE room_text (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	`,
	// 6: the members whose inbox (sidebar) is online and wants a note when the room moves.
	`
	CREATE TABLE inbox_watchers (user_id TEXT PRIMARY KEY, watched_at INTEGER NOT NULL) WITHOUT ROWID;
	`,
];

export const ROOM_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the room's database up to the latest schema; returns the version it started from. */
export function migrateRoomSchema(storage: DurableObjectStorage): number {
	const sql = storage.sql;
	// `room_meta` predates versioning, so it is the one table made outside the list.
	sql.exec("CREATE TABLE IF NOT EXISTS room_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
	const from =
		sql.exec<{ value: number }>("SELECT value FROM room_meta WHERE key = 'schema_version'").toArray()[0]?.value ?? 0;
	for (let version = from + 1; version <= MIGRATIONS.length; version++) {
		storage.transactionSync(() => {
			sql.exec(MIGRATIONS[version - 1] ?? "");
			sql.exec("INSERT OR REPLACE INTO room_meta (key, value) VALUES ('schema_version', ?)", version);
		});
	}
	return from;
}
