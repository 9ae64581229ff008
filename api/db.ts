import { type Generated, Kysely } from "kysely";
import { D1Dialect } from "kysely-d1";

/**
 * Tables the app reads through Kysely. Better Auth owns and writes `user`, `account` and
 * `rateLimit` (migrations/0001); the app only reads them. `session_room` and the `room*` tables are the app's own.
 */
export interface Database {
	user: {
		id: string;
		name: string;
		email: string;
		emailVerified: number;
		image: string | null;
		isAnonymous: number | null;
		createdAt: string;
		updatedAt: string;
	};
	account: {
		id: string;
		accountId: string;
		providerId: string;
		userId: string;
		createdAt: string;
		updatedAt: string;
	};
	/** Better Auth's sessions; the app only reads them (D1 is the copy every location agrees on). */
	session: {
		id: string;
		userId: string;
		createdAt: string;
		/** ISO 8601, as Better Auth writes dates to D1. */
		expiresAt: string;
		updatedAt: string;
	};
	/** migrations/0004: sessions that ended, refused until they would have expired. */
	revoked_session: {
		sessionId: string;
		expiresAt: number;
		revokedAt: number;
	};
	/** migrations/0008: ended sessions an inbox has not heard of yet, told again hourly. */
	inbox_revocation: {
		sessionId: string;
		userId: string;
		expiresAt: number;
	};
	/** migrations/0002: rooms each session has a socket in, so ending the session can close them. */
	session_room: {
		sessionId: string;
		roomId: string;
		connectedAt: number;
	};
	/** migrations/0003: rooms, who belongs to them, and invite links to private ones. */
	room: {
		id: string;
		name: string;
		visibility: "public" | "private";
		createdBy: string | null;
		createdAt: number;
		latestSeq: Generated<number>;
		/** migrations/0004: when the room last stored a message (ms); 0 before the first. */
		lastMessageAt: Generated<number>;
		/** migrations/0005: how many messages the room ever stored (changes do not count). */
		latestN: Generated<number>;
	};
	room_member: {
		roomId: string;
		userId: string;
		joinedAt: number;
		lastReadSeq: Generated<number>;
		/** migrations/0005: the ordinal of the newest message read. */
		lastReadN: Generated<number>;
		/** migrations/0005: 'moderator' or 'member'; the owner is `room.createdBy`. */
		role: Generated<"member" | "moderator">;
		/** migrations/0006: 1 when the member muted the room. */
		muted: Generated<number>;
	};
	/** migrations/0006: a user told of a message (mentioned by name or by @here). */
	mention: {
		userId: string;
		roomId: string;
		messageId: string;
		seq: number;
		n: number;
		at: number;
	};
	room_invite: {
		token: string;
		roomId: string;
		createdBy: string | null;
		createdAt: number;
		revokedAt: number | null;
		/** migrations/0004 */
		expiresAt: number;
	};
	rateLimit: {
		id: Generated<string>;
		key: string;
		count: number;
		lastRequest: number;
	};
}

const instances = new WeakMap<D1Database, Kysely<Database>>();

export function getDb(d1: D1Database): Kysely<Database> {
	let db = instances.get(d1);
	if (!db) {
		db = new Kysely<Database>({ dialect: new D1Dialect({ database: d1 }) });
		instances.set(d1, db);
	}
	return db;
}
