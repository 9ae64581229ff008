import { IsolateCache } from "../isolate-cache";
import type { RoomAccess } from "./room-directory";

const grants = new IsolateCache<RoomAccess>(5_000);
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
	const hit = grants.get(key, now);
	if (hit) return hit;
	const access = await lookup();
	if (access) grants.set(key, access, ttlMs, now);
	else grants.delete(key);
	return access;
}

/** A membership changed here: the next read asks D1 again. */
export function forgetRoomAccess(roomId: string, userId: string): void {
	grants.delete(keyOf(roomId, userId));
}
