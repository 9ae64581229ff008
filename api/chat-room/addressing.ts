import { HERE_TOKEN, type Mention, mentionedIds, mentionsHere } from "../protocol/mentions";
import type { ChatMessage, WriteFrame } from "../protocol/room-protocol";
import type { SocketAttachment } from "./socket-attachment";

/** Who a batch's texts can address: the members among the ids they mention, and who is here now. */
export type Addressing = { members: Map<string, string>; present: string[] };

export type { MentionNote } from "../rooms/mention-records";

/** Finds which of these users are members of the room, with their names (D1). */
export type MemberLookup = (roomId: string, ids: string[]) => Promise<Map<string, string>>;

/** The user ids a batch's sends and edits mention, to look up in one query. */
export function idsToResolve(frames: WriteFrame[]): string[] {
	const ids = new Set<string>();
	for (const frame of frames) {
		if (frame.type === "send" || frame.type === "edit") for (const id of mentionedIds(frame.text)) ids.add(id);
	}
	return [...ids];
}

/**
 * What a text addresses, by the room's rules: members it names (a non-member's token mentions
 * nobody) and `@here`, which only the owner and moderators may use.
 */
export function addressedBy(text: string, writer: SocketAttachment, addressing: Addressing, previous: Mention[] = []) {
	// An edit keeps the mentions it had and still names: someone who has left, or a lookup that
	// failed, does not turn an existing mention into nobody.
	const before = new Map(previous.map((m) => [m.id, m.name]));
	const mentions: Mention[] = mentionedIds(text).flatMap((id) => {
		const name = addressing.members.get(id) ?? before.get(id);
		return name === undefined ? [] : [{ id, name }];
	});
	const here = mentionsHere(text) && (writer.role === "owner" || writer.role === "moderator");
	return { mentions, here };
}

/** Everyone a text tells: those it names and, for @here, everyone present; never its author. */
export function toldBy(
	addressed: { mentions: Mention[]; here: boolean },
	addressing: Addressing,
	authorId: string,
): string[] {
	const ids = new Set(addressed.mentions.map((m) => m.id));
	if (addressed.here) for (const id of addressing.present) ids.add(id);
	ids.delete(authorId);
	return [...ids];
}

/**
 * An edit tells only those it mentions for the first time: `notified` holds everyone told before
 * (and "<!here>" once @here went out), and comes back with this edit's people added.
 */
export function newlyTold(
	addressed: { mentions: Mention[]; here: boolean },
	addressing: Addressing,
	message: ChatMessage,
	notified: string[],
): { notify: string[]; notified: string[] } {
	const before = new Set(notified);
	const hereAgain = addressed.here && before.has(HERE_TOKEN);
	const told = toldBy(
		{ mentions: addressed.mentions, here: addressed.here && !hereAgain },
		addressing,
		message.author.id,
	);
	const notify = told.filter((id) => !before.has(id));
	const after = new Set([...before, ...told]);
	if (addressed.here) after.add(HERE_TOKEN);
	return { notify, notified: [...after] };
}

/** Who a new message tells, and what to remember as told. */
export function firstTold(addressed: { mentions: Mention[]; here: boolean }, addressing: Addressing, authorId: string) {
	const notify = toldBy(addressed, addressing, authorId);
	return { notify, notified: addressed.here ? [...notify, HERE_TOKEN] : notify };
}
