import type { HistoryPage } from "../../../api/protocol/http-api";
import type { Author, ChatMessage, RoomEvent } from "../../../api/protocol/room-protocol";

/** Messages and pages for the client's unit tests: every field set, only what a test cares about given. */
export const testAuthor: Author = { id: "u", name: "U", image: null, guest: false };

export function testMessage(seq: number, fields: Partial<ChatMessage> = {}): ChatMessage {
	return {
		seq,
		n: seq,
		id: `id-${seq}`,
		author: testAuthor,
		text: `m${seq}`,
		createdAt: seq,
		clientId: `client-${seq}`,
		rev: seq,
		editedAt: null,
		deleted: null,
		reactions: [],
		replyTo: null,
		mentions: [],
		here: false,
		...fields,
	};
}

export function created(message: ChatMessage): RoomEvent {
	return { kind: "create", seq: message.seq, message };
}

export function testPage(
	messages: ChatMessage[],
	latestSeq = messages.at(-1)?.seq ?? 0,
	fields: Partial<HistoryPage> = {},
): HistoryPage {
	return {
		roomId: "r",
		messages,
		oldestSeq: messages[0]?.seq ?? latestSeq + 1,
		latestSeq,
		hasOlder: false,
		hasNewer: false,
		...fields,
	};
}
