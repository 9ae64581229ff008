import type { MessageStore } from "./message-store";
import type { RoomConfig } from "./room-config";

/** Rows deleted per alarm run; bounded so one run never holds the room for long. */
export const PRUNE_BATCH = 500;
/** How soon after a write the first prune runs; writes in between share it. */
export const PRUNE_DELAY_MS = 60_000;
/** When a batch leaves more to delete, the next run follows this soon. */
export const PRUNE_CONTINUE_MS = 1_000;

/**
 * Highest seq that retention removes in one batch: of the messages beyond the newest
 * `retentionCount` (changes to messages take seqs but are not counted) and every message created
 * before `now - retentionMs`, at most `batch + 1` of the oldest, so the caller can tell that more
 * remain. Pure function of the stored rows, so running it again (alarms are at-least-once) finds
 * nothing new to delete.
 */
export function pruneCutoff(
	sql: SqlStorage,
	store: MessageStore,
	config: RoomConfig,
	now: number,
	batch = PRUNE_BATCH,
): number {
	// Kept messages hold one contiguous run of ordinals (they go oldest first), so how many are
	// one too many is known without counting them, and only those are walked, from the oldest.
	// The alarm runs for every timed job (the archive copy wakes it twice a second in a busy
	// room); walking the `retentionCount` newest keys instead cost each of those wake-ups.
	const excess = store.latestN - store.oldestN() + 1 - config.retentionCount;
	const byCount =
		excess > 0
			? (sql
					.exec<{ seq: number }>(
						"SELECT seq FROM messages ORDER BY seq ASC LIMIT 1 OFFSET ?",
						Math.min(excess, batch + 1) - 1,
					)
					.toArray()[0]?.seq ?? 0)
			: 0;
	const byAge =
		sql
			.exec<{ seq: number | null }>(
				"SELECT MAX(seq) AS seq FROM (SELECT seq FROM messages WHERE created_at < ? ORDER BY created_at LIMIT ?)",
				now - config.retentionMs,
				batch + 1,
			)
			.one().seq ?? 0;
	return Math.max(byCount, byAge);
}

/** Deletes at most one batch; returns how many rows went and whether more remain. */
export function pruneBatch(
	sql: SqlStorage,
	store: MessageStore,
	config: RoomConfig,
	now: number,
	batch = PRUNE_BATCH,
): { deleted: number; more: boolean } {
	const cutoff = pruneCutoff(sql, store, config, now, batch);
	if (cutoff <= 0) return { deleted: 0, more: false };
	const due = sql
		.exec<{ n: number }>("SELECT COUNT(*) AS n FROM (SELECT 1 FROM messages WHERE seq <= ? LIMIT ?)", cutoff, batch + 1)
		.one().n;
	if (due === 0) return { deleted: 0, more: false };
	// Messages are removed oldest first, so what is kept is always one contiguous run of ordinals.
	store.deleteOldest(cutoff, batch);
	return { deleted: Math.min(due, batch), more: due > batch };
}

/** When the next prune should run after a complete one: when the oldest kept message ages out. */
export function nextPruneAt(sql: SqlStorage, config: RoomConfig): number | null {
	const oldest = sql.exec<{ t: number | null }>("SELECT MIN(created_at) AS t FROM messages").one().t;
	return oldest === null ? null : oldest + config.retentionMs;
}
