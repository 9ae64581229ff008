import { DAY_MS, settings } from "../config";

/** The room's tunables, read from `vars` once per Durable Object instance. */
export type RoomConfig = {
	retentionCount: number;
	retentionMs: number;
	rateLimitBurst: number;
	rateLimitPerSecond: number;
	socketsPerUser: number;
	presenceGraceMs: number;
	frameBurst: number;
	framesPerSecond: number;
	/** 0: authors may edit their messages at any time. */
	editWindowMs: number;
	/** At most one copy of the latest seq to D1 per this long (latest-seq-mirror.ts). */
	latestSeqCopyMs: number;
	/** How long after a write the copy to the D1 archive follows (archive-sync.ts). */
	archiveCopyDelayMs: number;
};

export function readRoomConfig(env: Env): RoomConfig {
	const s = settings(env);
	return {
		retentionCount: Math.floor(s.MESSAGE_RETENTION_COUNT),
		retentionMs: s.MESSAGE_RETENTION_DAYS * DAY_MS,
		rateLimitBurst: Math.floor(s.MESSAGE_RATE_LIMIT_BURST),
		rateLimitPerSecond: s.MESSAGE_RATE_LIMIT_PER_SECOND,
		socketsPerUser: Math.floor(s.ROOM_SOCKETS_PER_USER),
		presenceGraceMs: s.PRESENCE_GRACE_MS,
		frameBurst: Math.floor(s.SOCKET_FRAME_BURST),
		framesPerSecond: s.SOCKET_FRAMES_PER_SECOND,
		editWindowMs: s.EDIT_WINDOW_MINUTES * 60_000,
		latestSeqCopyMs: s.LATEST_SEQ_COPY_MS,
		archiveCopyDelayMs: s.ARCHIVE_COPY_DELAY_MS,
	};
}
