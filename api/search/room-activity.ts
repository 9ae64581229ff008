import type { RoomActivity } from "../protocol/http-api";

const DAY_MS = 24 * 3_600_000;
const DAYS = 30;

/**
 * A room's activity from the archive, by read-only queries: messages per day for the last 30
 * days (UTC days), the top posters and the busiest hours (UTC) over the same days.
 */
export async function roomActivity(db: D1Database, roomId: string, now = Date.now()): Promise<RoomActivity> {
	const today = Math.floor(now / DAY_MS);
	const since = (today - DAYS + 1) * DAY_MS;
	const [days, posters, hours] = await db.batch<{ k: number | string; name?: string; n: number }>([
		db
			.prepare(
				`SELECT "createdAt" / ${DAY_MS} AS k, COUNT(*) AS n FROM "archive_message" WHERE "roomId" = ? AND "createdAt" >= ? GROUP BY k`,
			)
			.bind(roomId, since),
		db
			.prepare(
				`SELECT "authorId" AS k, MAX("authorName") AS name, COUNT(*) AS n FROM "archive_message"
				 WHERE "roomId" = ? AND "createdAt" >= ? GROUP BY "authorId" ORDER BY n DESC LIMIT 5`,
			)
			.bind(roomId, since),
		db
			.prepare(
				`SELECT ("createdAt" / 3600000) % 24 AS k, COUNT(*) AS n FROM "archive_message" WHERE "roomId" = ? AND "createdAt" >= ? GROUP BY k`,
			)
			.bind(roomId, since),
	]);
	const perDay = new Map((days?.results ?? []).map((r) => [Number(r.k), r.n]));
	const perHour = new Map((hours?.results ?? []).map((r) => [Number(r.k), r.n]));
	return {
		perDay: Array.from({ length: DAYS }, (_, i) => {
			const day = today - DAYS + 1 + i;
			return { day: day * DAY_MS, count: perDay.get(day) ?? 0 };
		}),
		topPosters: (posters?.results ?? []).map((r) => ({ id: String(r.k), name: r.name ?? "", count: r.n })),
		busiestHours: [...perHour.entries()]
			.map(([hour, count]) => ({ hour, count }))
			.sort((a, b) => b.count - a.count || a.hour - b.hour)
			.slice(0, 3),
	};
}
