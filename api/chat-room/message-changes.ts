import { applyChange, type ChangeEvent, MAX_REACTIONS } from "../protocol/message-events";
import type { ChatMessage, ErrorCode, Role, WriteFrame } from "../protocol/room-protocol";
import { type Addressing, addressedBy, newlyTold } from "./addressing";
import type { MessageStore } from "./message-store";
import type { SocketAttachment } from "./socket-attachment";

/** What a change frame came to: a new event, nothing new (already so), or a refusal. */
export type ChangeOutcome =
	| { kind: "changed"; event: ChangeEvent }
	| { kind: "unchanged"; message: ChatMessage }
	| { kind: "refused"; code: ErrorCode; message: string };

type ChangeFrame = Exclude<WriteFrame, { type: "send" }>;

/** One emoji as Unicode recommends it (with its skin tone or sequence), nothing else. */
const SINGLE_EMOJI = /^\p{RGI_Emoji}$/v;

const refused = (code: ErrorCode, message: string): ChangeOutcome => ({ kind: "refused", code, message });

/** Who may delete anyone's message: the room's owner and the moderators the owner named. */
export const canModerate = (role: Role) => role === "owner" || role === "moderator";

/**
 * Decides an edit, a delete or a reaction by the rules, and if it stands, stores it as the room's
 * next event with the message it folds to (one turn: the output gate releases the ack only once
 * both are durable). The author edits (within the edit window, if one is set) and deletes their
 * own messages; the owner and moderators delete anyone's, which goes in the moderation log.
 */
export function applyChangeFrame(
	store: MessageStore,
	sql: SqlStorage,
	frame: ChangeFrame,
	writer: SocketAttachment,
	now: number,
	editWindowMs: number,
	addressing: Addressing = { members: new Map(), present: [] },
): ChangeOutcome {
	const message = store.findById(frame.messageId);
	if (!message) return refused("not_found", "That message is not in this room any more.");
	const actor = { id: writer.user.id, name: writer.user.name };
	const base = { seq: store.nextSeq(), messageId: message.id, messageSeq: message.seq, at: now };
	let event: ChangeEvent;
	let notified: string[] | undefined;
	switch (frame.type) {
		case "edit":
			if (message.author.id !== actor.id) return refused("not_allowed", "Only its author can edit a message.");
			if (message.deleted) return refused("not_allowed", "A deleted message cannot be edited.");
			if (editWindowMs > 0 && now - message.createdAt > editWindowMs) {
				return refused("not_allowed", "This message is too old to edit.");
			}
			if (message.text === frame.text) return { kind: "unchanged", message };
			store.keepVersion(message);
			{
				const addressed = addressedBy(frame.text, writer, addressing, message.mentions);
				const told = newlyTold(addressed, addressing, message, store.notifiedOf(message.id));
				notified = told.notified;
				event = { ...base, kind: "edit", text: frame.text, by: actor, ...addressed, notify: told.notify };
			}
			break;
		case "delete": {
			const own = message.author.id === actor.id;
			if (!own && !canModerate(writer.role)) {
				return refused("not_allowed", "Only its author, the room's owner or a moderator can delete a message.");
			}
			if (message.deleted) return { kind: "unchanged", message };
			store.forgetVersions(message.id);
			event = { ...base, kind: "delete", by: actor, moderator: !own };
			if (!own) {
				sql.exec(
					"INSERT INTO moderation_log (at, actor_id, actor_name, message_id, message_seq, author_id, author_name, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
					now,
					actor.id,
					actor.name,
					message.id,
					message.seq,
					message.author.id,
					message.author.name,
					frame.reason ?? null,
				);
			}
			break;
		}
		case "react": {
			if (message.deleted) return refused("not_allowed", "A deleted message cannot be reacted to.");
			if (!SINGLE_EMOJI.test(frame.emoji)) return refused("bad_emoji", "Reactions are a single emoji.");
			const existing = message.reactions.find((r) => r.emoji === frame.emoji);
			const mine = existing?.users.some((u) => u.id === actor.id) ?? false;
			if (mine === frame.on) return { kind: "unchanged", message };
			if (frame.on && !existing && message.reactions.length >= MAX_REACTIONS) {
				return refused("too_many_reactions", `A message can have at most ${MAX_REACTIONS} different reactions.`);
			}
			event = { ...base, kind: "react", emoji: frame.emoji, user: actor, on: frame.on };
			break;
		}
	}
	store.recordChange(event, actor.id, frame.clientId, applyChange(message, event), notified);
	return { kind: "changed", event };
}

/** What the room's owner and moderators read of moderator deletions, newest first. */
export function moderationLog(sql: SqlStorage, limit = 100) {
	return sql
		.exec<{
			at: number;
			actor_id: string;
			actor_name: string;
			message_seq: number;
			author_id: string;
			author_name: string;
			reason: string | null;
		}>(
			"SELECT at, actor_id, actor_name, message_seq, author_id, author_name, reason FROM moderation_log ORDER BY id DESC LIMIT ?",
			limit,
		)
		.toArray()
		.map((row) => ({
			at: row.at,
			by: { id: row.actor_id, name: row.actor_name },
			author: { id: row.author_id, name: row.author_name },
			messageSeq: row.message_seq,
			reason: row.reason,
		}));
}
