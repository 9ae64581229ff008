import { HERE_TOKEN, mentionToken } from "../../../api/protocol/mentions";
import { applyChange, type ChangeEvent } from "../../../api/protocol/message-events";
import type { Author, ChatMessage } from "../../../api/protocol/room-protocol";
import type { ChangeFrame } from "./change-queue";

/** The change a pending frame will make, as an event just past the message's `rev` (for display only). */
function asEvent(frame: ChangeFrame, message: ChatMessage, me: Author, at: number): ChangeEvent {
	const base = { seq: message.rev + 1, messageId: message.id, messageSeq: message.seq, at };
	const actor = { id: me.id, name: me.name };
	switch (frame.type) {
		case "edit":
			// Mentions as far as known here; the room resolves them when it stores the edit.
			return {
				...base,
				kind: "edit",
				text: frame.text,
				by: actor,
				mentions: message.mentions.filter((m) => frame.text.includes(mentionToken(m.id))),
				here: message.here && frame.text.includes(HERE_TOKEN),
				notify: [],
			};
		case "delete":
			return { ...base, kind: "delete", by: actor, moderator: message.author.id !== me.id };
		case "react":
			return { ...base, kind: "react", emoji: frame.emoji, user: actor, on: frame.on };
	}
}

/**
 * Messages as they will be once this user's pending changes are stored: a reaction, an edit or a
 * delete shows the moment it is made, not a round trip later. Folded with the same `applyChange`
 * the room uses, so the stored result, when it arrives, looks the same. Returns the same array
 * when nothing is pending.
 */
export function foldPending(
	messages: ChatMessage[],
	pending: readonly ChangeFrame[],
	me: Author,
	now = Date.now(),
): ChatMessage[] {
	if (pending.length === 0) return messages;
	const byMessage = new Map<string, ChangeFrame[]>();
	for (const frame of pending) byMessage.set(frame.messageId, [...(byMessage.get(frame.messageId) ?? []), frame]);
	return messages.map((message) => {
		const frames = byMessage.get(message.id);
		if (!frames) return message;
		return frames.reduce((folded, frame) => applyChange(folded, asEvent(frame, folded, me, now)), message);
	});
}
