/** The room's tunables, read from `vars` once per Durable Object instance. */
export type RoomConfig = {
	retentionCount: number;
	retentionMs: number;
	rateLimitBurst: number;
	rateLimitPerSecond: number;
	socketsPerUser: number;
	presenceGraceMs: number;
};

const DAY_MS = 24 * 60 * 60 * 1000;

function positive(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function readRoomConfig(env: Env): RoomConfig {
	return {
		retentionCount: Math.floor(positive(env.MESSAGE_RETENTION_COUNT, 10_000)),
		retentionMs: positive(env.MESSAGE_RETENTION_DAYS, 30) * DAY_MS,
		rateLimitBurst: Math.floor(positive(env.MESSAGE_RATE_LIMIT_BURST, 20)),
		rateLimitPerSecond: positive(env.MESSAGE_RATE_LIMIT_PER_SECOND, 2),
		socketsPerUser: Math.floor(positive(env.ROOM_SOCKETS_PER_USER, 10)),
		presenceGraceMs: positive(env.PRESENCE_GRACE_MS, 5_000),
	};
}
