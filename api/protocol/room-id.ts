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
