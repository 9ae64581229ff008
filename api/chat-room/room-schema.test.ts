import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshRoom } from "../../tests/workers/room-socket";
import { MessageStore } from "./message-store";
import { migrateRoomSchema, ROOM_SCHEMA_VERSION } from "./room-schema";

/** A room's database exactly as the release before versioned migrations wrote it. */
const UNVERSIONED_SCHEMA = `
	CREATE TABLE room_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
	CREATE TABLE messages (
		seq INTEGER PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		author_id TEXT NOT NULL,
		author_name TEXT NOT NULL,
		author_image TEXT,
		text TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		client_id TEXT NOT NULL
	);
	CREATE UNIQUE INDEX messages_author_client ON messages (author_id, client_id);
	CREATE INDEX messages_created_at ON messages (created_at);
	INSERT INTO room_meta (key, value) VALUES ('last_seq', 7);
	CREATE TABLE rate_limits (user_id TEXT PRIMARY KEY, tat REAL NOT NULL);
	INSERT INTO messages VALUES (7, '01JOLD', 'u1', 'Old Timer', NULL, 'from before', 1700000000000, 'old-client-1');
`;

describe("room schema migrations", () => {
	it("upgrades a room written before versioning, keeping its messages and its seq", async () => {
		const stub = env.CHAT_ROOM.getByName(await freshRoom("schema"));
		const result = await runInDurableObject(stub, (_instance, state) => {
			const sql = state.storage.sql;
			for (const table of [
				"messages",
				"room_meta",
				"rate_limits",
				"revoked_sessions",
				"events",
				"message_versions",
				"moderation_log",
				"archive_outbox",
				"room_text",
				"inbox_watchers",
			])
				sql.exec(`DROP TABLE IF EXISTS ${table}`);
			sql.exec(UNVERSIONED_SCHEMA);
			const from = migrateRoomSchema(state.storage);
			const again = migrateRoomSchema(state.storage);
			const store = new MessageStore(sql);
			return {
				from,
				again,
				version: sql.exec<{ value: number }>("SELECT value FROM room_meta WHERE key = 'schema_version'").one().value,
				old: store.after(0, 10),
				latestSeq: store.latestSeq,
				latestN: store.latestN,
				revokedTable: sql.exec("SELECT name FROM sqlite_master WHERE name = 'revoked_sessions'").toArray().length,
				// The history from before the archive waits to be copied to it.
				outbox: sql.exec<{ seq: number }>("SELECT seq FROM archive_outbox").toArray(),
			};
		});
		expect(result.from).toBe(0);
		expect(result.again).toBe(ROOM_SCHEMA_VERSION);
		expect(result.version).toBe(ROOM_SCHEMA_VERSION);
		expect(result.latestSeq).toBe(7);
		// Until protocol 4 every seq was a message: ordinals and revs start equal to seqs.
		expect(result.latestN).toBe(7);
		expect(result.old).toEqual([
			{
				seq: 7,
				id: "01JOLD",
				author: { id: "u1", name: "Old Timer", image: null, guest: false },
				text: "from before",
				createdAt: 1700000000000,
				clientId: "old-client-1",
				n: 7,
				rev: 7,
				editedAt: null,
				deleted: null,
				reactions: [],
				replyTo: null,
				mentions: [],
				here: false,
			},
		]);
		expect(result.revokedTable).toBe(1);
		expect(result.outbox).toEqual([{ seq: 7 }]);
		await evictDurableObject(stub);
	});

	it("starts a new room at the latest version", async () => {
		const stub = env.CHAT_ROOM.getByName(await freshRoom("schema"));
		const version = await runInDurableObject(
			stub,
			(_instance, state) =>
				state.storage.sql.exec<{ value: number }>("SELECT value FROM room_meta WHERE key = 'schema_version'").one()
					.value,
		);
		expect(version).toBe(ROOM_SCHEMA_VERSION);
	});
});
