/**
 * Per-user send limit for one room, as a GCRA (generic cell rate algorithm): each user has one
 * "theoretical arrival time". It lives in the room's SQLite, so every socket of a user shares
 * it and waking from hibernation does not reset it.
 */
export class RateLimiter {
	private readonly intervalMs: number;
	private readonly toleranceMs: number;
	private readonly cache = new Map<string, number>();
	private readonly dirty = new Set<string>();

	constructor(
		private readonly sql: SqlStorage,
		burst: number,
		perSecond: number,
	) {
		this.intervalMs = 1000 / perSecond;
		this.toleranceMs = this.intervalMs * (burst - 1);
	}

	/** Takes one send from the user's allowance; returns 0 if allowed, else ms until it would be. */
	take(userId: string, now: number): number {
		const stored = this.cache.get(userId) ?? this.load(userId);
		const tat = Math.max(stored ?? now, now);
		const allowedAt = tat - this.toleranceMs;
		if (now < allowedAt) return Math.ceil(allowedAt - now);
		const next = tat + this.intervalMs;
		this.cache.set(userId, next);
		this.dirty.add(userId);
		return 0;
	}

	/**
	 * How long the user would wait for one more send after `queued` sends that are already
	 * waiting to be stored; 0 when it would be allowed. Takes nothing.
	 */
	wouldWait(userId: string, now: number, queued: number): number {
		const tat = Math.max(this.cache.get(userId) ?? this.load(userId) ?? now, now);
		return Math.max(0, Math.ceil(tat + queued * this.intervalMs - this.toleranceMs - now));
	}

	/** Writes what `take` changed; call in the same turn, so the allowance survives eviction. */
	persist(): void {
		for (const userId of this.dirty) {
			this.sql.exec("INSERT OR REPLACE INTO rate_limits (user_id, tat) VALUES (?, ?)", userId, this.cache.get(userId));
		}
		this.dirty.clear();
	}

	private load(userId: string): number | undefined {
		const row = this.sql.exec<{ tat: number }>("SELECT tat FROM rate_limits WHERE user_id = ?", userId).toArray()[0];
		return row?.tat;
	}
}
