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
