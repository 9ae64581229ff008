import * as v from "valibot";

/** Room ids: canonical slugs, the only names a room's Durable Object is ever reached by. */
const ROOM_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const DEFAULT_ROOM_ID = "general";
export const RoomIdSchema = v.pipe(v.string(), v.regex(ROOM_ID_PATTERN));

/** A room id is used as-is only when it is already canonical; anything else is rejected, never rewritten. */
export function parseRoomId(input: string): string | null {
	return ROOM_ID_PATTERN.test(input) ? input : null;
}

/**
 * The room (and a permalink's seq) an app address opens: "/" opens the default room. Null for
 * any other page, and for an address with a malformed escape or a non-canonical id (the router
 * shows its not-found page for those). The Worker embeds that room's first page; the client,
 * without embedded data, asks for it early.
 */
export function roomOfPath(pathname: string): { roomId: string; around?: number } | null {
	if (pathname === "/") return { roomId: DEFAULT_ROOM_ID };
	const match = /^\/rooms\/([^/]+)(?:\/m\/(\d{1,15}))?\/?$/.exec(pathname);
	if (!match?.[1]) return null;
	let roomId: string | null = null;
	try {
		roomId = parseRoomId(decodeURIComponent(match[1]));
	} catch {
		return null;
	}
	if (!roomId) return null;
	const around = match[2] ? Number(match[2]) : undefined;
	return around && around > 0 ? { roomId, around } : { roomId };
}

/**
 * The canonical slug for a room name: accents folded, lower case, every run of other characters
 * one dash. Empty when nothing usable is left (a name of only emoji or punctuation).
 */
export function roomSlug(name: string, maxLength = 48): string {
	return name
		.normalize("NFKD")
		.replace(/\p{M}+/gu, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+/, "")
		.slice(0, maxLength)
		.replace(/-+$/, "");
}
