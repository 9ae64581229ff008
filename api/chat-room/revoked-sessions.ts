/**
 * Sessions that ended while they might still reach this room: the Worker checks a session before
 * the upgrade, but a sign-out can land between that check and the socket being accepted here.
 * The room records each one it is told of and refuses it from then on, until it would have
 * expired anyway (then the alarm forgets it).
 */
export class RevokedSessions {
	constructor(private readonly sql: SqlStorage) {}

	has(sessionId: string): boolean {
		return this.sql.exec("SELECT 1 FROM revoked_sessions WHERE session_id = ?", sessionId).toArray().length > 0;
	}

	add(sessionId: string, expiresAt: number): void {
		this.sql.exec(
			"INSERT OR REPLACE INTO revoked_sessions (session_id, expires_at) VALUES (?, ?)",
			sessionId,
			expiresAt,
		);
	}

	/** Forgets sessions that have expired by now; returns when the next one does (null: none left). */
	prune(now: number): number | null {
		this.sql.exec("DELETE FROM revoked_sessions WHERE expires_at <= ?", now);
		return this.sql.exec<{ t: number | null }>("SELECT MIN(expires_at) AS t FROM revoked_sessions").one().t;
	}
}
