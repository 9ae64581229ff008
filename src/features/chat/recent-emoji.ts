/** The emoji this browser reacted with most recently, newest first; a few common ones until then. */
const KEY = "parlor:recent-emoji";
const KEEP = 16;
export const DEFAULT_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "🙏"];

export function recentEmoji(storage: Storage | null = globalThis.localStorage ?? null): string[] {
	try {
		const stored: unknown = JSON.parse(storage?.getItem(KEY) ?? "null");
		if (Array.isArray(stored) && stored.every((e) => typeof e === "string") && stored.length > 0) {
			return stored.slice(0, KEEP);
		}
	} catch {
		// Unreadable or blocked storage: the defaults.
	}
	return DEFAULT_REACTIONS;
}

export function rememberEmoji(emoji: string, storage: Storage | null = globalThis.localStorage ?? null): void {
	const next = [emoji, ...recentEmoji(storage).filter((e) => e !== emoji)].slice(0, KEEP);
	try {
		storage?.setItem(KEY, JSON.stringify(next));
	} catch {
		// Storage full or blocked: the choice still counts for this reaction.
	}
}
