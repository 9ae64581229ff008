import * as v from "valibot";
import { MentionSchema, readableText } from "./mentions";
import { SeqSchema } from "./seq";

/**
 * A message is a living object in the room's one ordered log: it is created, then edited,
 * deleted, reacted to, each change an event that takes the room's next `seq`. A message carries
 * its folded state and `rev`, the seq of the last change folded into it. `applyChange` is the
 * one fold, used by the room to write its rows and by every client to keep its view: a change is
 * applied only when its seq is above the message's `rev`, so a change seen twice, or after a
 * fresher copy of the message, changes nothing, and every view ends where a fresh fetch starts.
 */

/** Longest reply excerpt shown above a reply, in UTF-16 code units. */
export const REPLY_EXCERPT_LENGTH = 120;
/** Distinct emoji on one message at most. */
export const MAX_REACTIONS = 20;

/** Who did something to a message: as the room knew them then. */
export const ActorSchema = v.object({ id: v.string(), name: v.string() });
export type Actor = v.InferOutput<typeof ActorSchema>;

export const ReactionSchema = v.object({
	emoji: v.string(),
	/** Who reacted with it, in the order they did; the count is their number. */
	users: v.array(ActorSchema),
});
export type Reaction = v.InferOutput<typeof ReactionSchema>;

export const DeletionSchema = v.object({
	by: ActorSchema,
	at: v.number(),
	/** Deleted by the room's owner or a moderator rather than its author. */
	moderator: v.boolean(),
});

/** What a reply shows of the message it answers, as it is now (a deleted parent shows no text). */
export const ReplyPreviewSchema = v.object({
	id: v.string(),
	seq: SeqSchema,
	authorName: v.string(),
	excerpt: v.string(),
	deleted: v.boolean(),
});
export type ReplyPreview = v.InferOutput<typeof ReplyPreviewSchema>;

/** The first line of a text, cut to the excerpt length: what a reply shows of its parent. */
export function replyExcerpt(text: string): string {
	const line = text.trim().split("\n", 1)[0] ?? "";
	if (line.length <= REPLY_EXCERPT_LENGTH) return line;
	let out = "";
	for (const ch of line) {
		if (out.length + ch.length > REPLY_EXCERPT_LENGTH - 1) break;
		out += ch;
	}
	return `${out}…`;
}

/** The fields a change can touch, folded into every message. */
export const MessageStateSchema = {
	/** The seq of the last change folded in (the message's own seq until it changes). */
	rev: SeqSchema,
	/** When the text was last edited; null when never. */
	editedAt: v.nullable(v.number()),
	/** Set once deleted: the message is then a tombstone with no text and no reactions. */
	deleted: v.nullable(DeletionSchema),
	reactions: v.array(ReactionSchema),
	replyTo: v.nullable(ReplyPreviewSchema),
	/** Members the text mentions (`<@id>`), as the room resolved them when it stored the text. */
	mentions: v.optional(v.array(MentionSchema), []),
	/** The text says `<!here>` and its author may: it addresses everyone present. */
	here: v.optional(v.boolean(), false),
};

const Base = { seq: SeqSchema, messageId: v.string(), messageSeq: SeqSchema, at: v.number() };

export const EditEventSchema = v.object({
	...Base,
	kind: v.literal("edit"),
	text: v.string(),
	by: ActorSchema,
	mentions: v.optional(v.array(MentionSchema), []),
	here: v.optional(v.boolean(), false),
	/** Users this edit mentions for the first time: only they are told (nobody is told twice). */
	notify: v.optional(v.array(v.string()), []),
});
export const DeleteEventSchema = v.object({
	...Base,
	kind: v.literal("delete"),
	by: ActorSchema,
	moderator: v.boolean(),
});
export const ReactEventSchema = v.object({
	...Base,
	kind: v.literal("react"),
	emoji: v.string(),
	user: ActorSchema,
	/** True: added; false: taken back. */
	on: v.boolean(),
});

/** A change to a message that already exists. */
export const ChangeEventSchema = v.variant("kind", [EditEventSchema, DeleteEventSchema, ReactEventSchema]);
export type ChangeEvent = v.InferOutput<typeof ChangeEventSchema>;

/** What a change folds into: any message shape with the state fields. */
type Foldable = {
	id: string;
	text: string;
	rev: number;
	editedAt: number | null;
	deleted: v.InferOutput<typeof DeletionSchema> | null;
	reactions: Reaction[];
	mentions: v.InferOutput<typeof MentionSchema>[];
	here: boolean;
};

/**
 * Folds one change into a message. Returns the same object when the change is already in it (its
 * seq is not above `rev`), or does not concern it.
 */
export function applyChange<M extends Foldable>(message: M, change: ChangeEvent): M {
	if (change.messageId !== message.id || change.seq <= message.rev) return message;
	switch (change.kind) {
		case "edit":
			// A tombstone has no text to edit; the room refuses such edits, this only stays safe.
			if (message.deleted) return { ...message, rev: change.seq };
			return {
				...message,
				text: change.text,
				editedAt: change.at,
				mentions: change.mentions,
				here: change.here,
				rev: change.seq,
			};
		case "delete":
			return {
				...message,
				text: "",
				editedAt: null,
				reactions: [],
				mentions: [],
				here: false,
				deleted: { by: change.by, at: change.at, moderator: change.moderator },
				rev: change.seq,
			};
		case "react":
			if (message.deleted) return { ...message, rev: change.seq };
			return { ...message, reactions: toggleReaction(message.reactions, change), rev: change.seq };
	}
}

function toggleReaction(reactions: Reaction[], change: v.InferOutput<typeof ReactEventSchema>): Reaction[] {
	const at = reactions.findIndex((r) => r.emoji === change.emoji);
	const current = reactions[at];
	if (change.on) {
		if (!current) return [...reactions, { emoji: change.emoji, users: [change.user] }];
		if (current.users.some((u) => u.id === change.user.id)) return reactions;
		return reactions.map((r, i) => (i === at ? { ...r, users: [...r.users, change.user] } : r));
	}
	if (!current?.users.some((u) => u.id === change.user.id)) return reactions;
	const users = current.users.filter((u) => u.id !== change.user.id);
	return users.length === 0
		? reactions.filter((_, i) => i !== at)
		: reactions.map((r, i) => (i === at ? { ...r, users } : r));
}

/**
 * What a reply to `parent` shows after a change to the parent: the room computes previews when it
 * reads a reply, so a client that holds the reply updates it the same way.
 */
export function previewAfter(
	preview: ReplyPreview,
	parent: { id: string; text: string; deleted: unknown; mentions: v.InferOutput<typeof MentionSchema>[] },
): ReplyPreview {
	if (preview.id !== parent.id) return preview;
	return parent.deleted
		? { ...preview, excerpt: "", deleted: true }
		: { ...preview, excerpt: replyExcerpt(readableText(parent.text, parent.mentions)), deleted: false };
}
