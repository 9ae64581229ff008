/**
 * A bounded map one Worker isolate keeps between requests: each entry lives until its deadline,
 * and the oldest goes first when the map is full. Isolates share nothing, so what one reuses can
 * lag a change made through another by at most the ttl it was stored with.
 */
export class IsolateCache<V> {
	private readonly entries = new Map<string, { value: V; until: number }>();

	constructor(private readonly maxEntries: number) {}

	get(key: string, now = Date.now()): V | undefined {
		const hit = this.entries.get(key);
		return hit && hit.until > now ? hit.value : undefined;
	}

	set(key: string, value: V, ttlMs: number, now = Date.now()): void {
		// Deleted first so a refreshed entry moves to the young end of the insertion order.
		this.entries.delete(key);
		this.entries.set(key, { value, until: now + ttlMs });
		if (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next().value;
			if (oldest !== undefined) this.entries.delete(oldest);
		}
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	/** Drops every entry whose value matches: for changes known by what they touched, not by key. */
	deleteWhere(matches: (value: V) => boolean): void {
		for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
	}
}
