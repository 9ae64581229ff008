import type { RoomAccess } from "./room-directory";

/** Entries one isolate keeps; the oldest goes first when it is full. */
const MAX_ENTRIES = 5_000;

const entries = new Map<string, { access: RoomAccess; until: number }>();
const keyOf = (roomId: string, userId: string) => `${roomId}\u0000${userId}`;

/**
 * Room access for reading history, reused by this Worker isolate for `ttlMs`: the D1 read it
 * saves is most of what a history page costs above a plain Worker. Only grants are kept (a new
 * member is let in at once) and only reads use it; writes, the socket and the first screen ask
 * D1 every time. So `ttlMs` (ROOM_READ_CACHE_MS, 5 s by default) bounds how long a member removed
 * through another isolate can still page history; through this one, removal takes effect at once.
 */
export async function cachedRoomAccess(
	roomId: string,
	userId: string,
	ttlMs: number,
	lookup: () => Promise<RoomAccess | null>,
	now = Date.now(),
): Promise<RoomAccess | null> {
	const key = keyOf(roomId, userId);
	const hit = entries.get(key);
	if (hit && hit.until > now) return hit.access;
	const access = await lookup();
	entries.delete(key);
	if (access) {
		entries.set(key, { access, until: now + ttlMs });
		if (entries.size > MAX_ENTRIES) {
			const oldest = entries.keys().next().value;
			if (oldest !== undefined) entries.delete(oldest);
		}
	}
	return access;
}

/** A membership changed here: the next read asks D1 again. */
export function forgetRoomAccess(roomId: string, userId: string): void {
	entries.delete(keyOf(roomId, userId));
}
