import * as v from "valibot";

/**
 * Mentions live in a message's text as tokens, `<@userId>` and `<!here>`, so a rename never
 * breaks one; the composer shows them as "@Name" while typing. When the room stores a message it
 * resolves the tokens into `mentions` (members only, with their name then): a token for anyone
 * else stays in the text but mentions nobody.
 */
export const MAX_MENTIONS = 20;
export const HERE_TOKEN = "<!here>";
const USER_TOKEN = /<@([A-Za-z0-9_-]{1,64})>/g;

export const mentionToken = (userId: string) => `<@${userId}>`;

export const MentionSchema = v.object({ id: v.string(), name: v.string() });
export type Mention = v.InferOutput<typeof MentionSchema>;

/** Code (fenced blocks and inline spans) as Markdown reads it: what is inside is shown as typed. */
export const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;

/** The text with its code taken out: a token pasted in a code block mentions nobody. */
function outsideCode(text: string): string {
	return text.includes("`") ? text.replace(CODE, " ") : text;
}

/** The distinct user ids a text mentions, in order, at most MAX_MENTIONS. */
export function mentionedIds(text: string): string[] {
	// Most messages name nobody: skip the scan (it runs more than once per stored message).
	if (!text.includes("<@")) return [];
	const ids = new Set<string>();
	for (const match of outsideCode(text).matchAll(USER_TOKEN)) {
		if (match[1]) ids.add(match[1]);
		if (ids.size >= MAX_MENTIONS) break;
	}
	return [...ids];
}

export function mentionsHere(text: string): boolean {
	return text.includes(HERE_TOKEN) && outsideCode(text).includes(HERE_TOKEN);
}

/** Whether a message addresses this user: named in it, or everyone by `@here`. */
export function mentionsUser(message: { mentions: Mention[]; here: boolean; author: { id: string } }, userId: string) {
	if (message.author.id === userId) return false;
	return message.here || message.mentions.some((m) => m.id === userId);
}

/** The text with its tokens written as people read them: for excerpts and notifications. */
export function readableText(text: string, mentions: Mention[]): string {
	const names = new Map(mentions.map((m) => [m.id, m.name]));
	return text
		.replace(USER_TOKEN, (token, id: string) => (names.has(id) ? `@${names.get(id)}` : token))
		.replaceAll(HERE_TOKEN, "@here");
}
