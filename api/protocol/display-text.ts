/**
 * Rules for text that other people see as a name: a user's display name or a room's name. Shared
 * by the Worker (which enforces them) and the client (which checks a form before sending it).
 */

/** Longest display name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 64;

/**
 * Control characters, and the bidi controls that can reorder the text around a name (U+061C,
 * U+200E-F, U+202A-E, U+2066-9). Joiners stay allowed: emoji sequences and Persian need them.
 */
const FORBIDDEN = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export function hasForbiddenCharacters(text: string): boolean {
	return FORBIDDEN.test(text);
}

/**
 * Characters that show nothing: spaces, format characters (zero-width joiners and the like) and
 * the blank letters some scripts have (Hangul fillers, the braille blank). A name of only these
 * would be an empty-looking name.
 */
const INVISIBLE = /[\p{Z}\p{Cc}\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** Text cut to at most `max` UTF-16 units without splitting a character made of two. */
export function capLength(text: string, max: number): string {
	let out = "";
	for (const ch of text) {
		if (out.length + ch.length > max) break;
		out += ch;
	}
	return out;
}

/** Why a name is refused, or null when it is fine. */
export function nameProblem(name: string, maxLength = MAX_NAME_LENGTH): string | null {
	if (name.replace(INVISIBLE, "").length === 0) return "Names need at least one visible character.";
	if (name.length > maxLength) return `Names are at most ${maxLength} characters.`;
	if (FORBIDDEN.test(name)) return "Names cannot contain control or text-direction characters.";
	return null;
}

/** A name made acceptable: forbidden characters dropped, whitespace collapsed, length capped. */
export function cleanName(name: string, fallback: string, maxLength = MAX_NAME_LENGTH): string {
	const cleaned = name.replace(new RegExp(FORBIDDEN.source, "gu"), "").replace(/\s+/g, " ").trim();
	// Cut by code points so a surrogate pair is never split.
	const capped = Array.from(cleaned).slice(0, maxLength).join("").slice(0, maxLength);
	return capped.trim() || fallback;
}

/**
 * Whether a room's name needs its id shown beside it: a name with characters outside plain
 * ASCII can look like another room's name (Cyrillic "а" for Latin "a", full-width letters),
 * and the id, which is always plain ASCII, tells them apart.
 */
export function nameNeedsId(name: string): boolean {
	return /[^\x20-\x7E]/.test(name);
}

/**
 * Text wrapped for places that cannot hold markup (a `title`, a sentence built from names) in
 * Unicode's first-strong isolate, so a name's right-to-left text or stray direction marks cannot
 * reorder the words around it.
 */
function isolate(text: string): string {
	return `\u2068${text}\u2069`;
}

/** A person's name in plain text: isolated, with "(guest)" when it is a guest's. */
export function userLabel(user: { name: string; guest?: boolean }): string {
	return `${isolate(user.name)}${user.guest ? " (guest)" : ""}`;
}
