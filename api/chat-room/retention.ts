import type { MessageStore } from "./message-store";
import type { RoomConfig } from "./room-config";

/** Rows deleted per alarm run; bounded so one run never holds the room for long. */
export const PRUNE_BATCH = 500;
/** How soon after a write the first prune runs; writes in between share it. */
export const PRUNE_DELAY_MS = 60_000;
/** When a batch leaves more to delete, the next run follows this soon. */
export const PRUNE_CONTINUE_MS = 1_000;

/**
 * Highest seq that retention removes: every message beyond the newest `retentionCount` messages
 * (changes to messages take seqs but are not counted), and every message created before
 * `now - retentionMs`. Pure function of the stored rows, so running it again (alarms are
 * at-least-once) finds nothing new to delete.
 */
function pruneCutoff(sql: SqlStorage, config: RoomConfig, now: number): number {
	// The newest message that is one too many; a walk of `retentionCount` keys of the primary index,
	// run at most once a minute.
	const byCount =
		sql
			.exec<{ seq: number }>("SELECT seq FROM messages ORDER BY seq DESC LIMIT 1 OFFSET ?", config.retentionCount)
			.toArray()[0]?.seq ?? 0;
	const byAge =
		sql
			.exec<{ seq: number | null }>(
				"SELECT MAX(seq) AS seq FROM messages WHERE created_at < ?",
				now - config.retentionMs,
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
	const cutoff = pruneCutoff(sql, config, now);
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
