import { DAY_MS } from "../config";
import type { RoomStats } from "../protocol/http-api";
import type { MessageStore } from "./message-store";
import type { RoomConfig } from "./room-config";

/** What the room keeps and what it costs, for the info panel. */
export function roomStats(store: MessageStore, sql: SqlStorage, config: RoomConfig): RoomStats {
	const oldestSeq = store.oldestSeq();
	const latestSeq = store.latestSeq;
	return {
		// Pruning only ever removes the oldest messages, so the kept ordinals form one unbroken range.
		messageCount: store.latestN - store.oldestN() + 1,
		storageBytes: sql.databaseSize,
		oldestSeq,
		latestSeq,
		oldestAt: store.createdAtOf(oldestSeq),
		retention: { maxMessages: config.retentionCount, maxDays: config.retentionMs / DAY_MS },
	};
}
