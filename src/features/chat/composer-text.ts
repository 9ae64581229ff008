import { CODE, HERE_TOKEN, type Mention, mentionToken } from "../../../api/protocol/mentions";

/**
 * The composer shows mentions as "@Name" and the room stores them as `<@id>`: this is the
 * translation both ways, plus the two things Enter needs to know about the text at the caret.
 */

/** Names picked from the @ list in this draft, to their user ids. */
export type ChosenMentions = Map<string, string>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** After a name, a letter or digit would make it a different word ("@Annabel" is not "@Ann"). */
const END = "(?![\\p{L}\\p{N}_])";
/** Before the @, a letter or a dot makes it an address ("ops@here.com"), not a mention. */
const START = "(?<![\\p{L}\\p{N}_.@])";

/** The draft as stored: each picked "@Name" becomes its user's token, "@here" becomes `<!here>`. */
export function encodeMentions(text: string, chosen: ChosenMentions): string {
	// Longest first, so "@Ann Lee" wins over "@Ann".
	const names = [...chosen.keys()].sort((a, b) => b.length - a.length);
	const alternatives = [...names.map(escapeRegExp), "here"].join("|");
	const pattern = new RegExp(`${START}@(${alternatives})${END}`, "gu");
	const encode = (part: string) =>
		part.replace(pattern, (whole, name: string) => {
			if (name === "here" && !chosen.has("here")) return HERE_TOKEN;
			const id = chosen.get(name);
			return id ? mentionToken(id) : whole;
		});
	// Code is shown as typed: an "@here" in a code block stays text.
	let out = "";
	let at = 0;
	for (const match of text.matchAll(CODE)) {
		out += encode(text.slice(at, match.index)) + match[0];
		at = match.index + match[0].length;
	}
	return out + encode(text.slice(at));
}

/** A stored text back into the box: tokens as "@Name", with the names it knows picked again. */
export function decodeMentions(text: string, mentions: Mention[]): { text: string; chosen: ChosenMentions } {
	const chosen: ChosenMentions = new Map();
	const names = new Map(mentions.map((m) => [m.id, m.name]));
	const decoded = text
		.replace(/<@([A-Za-z0-9_-]{1,64})>/g, (token, id: string) => {
			const name = names.get(id);
			if (name === undefined) return token;
			chosen.set(name, id);
			return `@${name}`;
		})
		.replaceAll(HERE_TOKEN, "@here");
	return { text: decoded, chosen };
}

/**
 * The "@que" being typed right before the caret, if any: what the @ list filters by. Names have
 * spaces ("Quiet Otter 42"), so the query runs over up to four words; once nobody matches, the
 * list closes by itself.
 */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
	// Only the end of the text before the caret matters; a bounded look keeps each keystroke cheap.
	const before = text.slice(Math.max(0, caret - 64), caret);
	const match = /(^|\s)@((?:[^\s@<>]{1,40} ?){0,4})$/u.exec(caret > 64 ? ` ${before.slice(1)}` : before);
	if (!match) return null;
	const query = match[2] ?? "";
	if (query.length > 40) return null;
	return { start: caret - query.length - 1, query };
}

/** Whether the caret is inside a ``` block still open: Enter there adds a line instead of sending. */
export function insideOpenFence(text: string, caret: number): boolean {
	const fences = text
		.slice(0, caret)
		.split("\n")
		.filter((line) => /^ {0,3}```/.test(line)).length;
	return fences % 2 === 1;
}
