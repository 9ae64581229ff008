import * as v from "valibot";
import { parseJson } from "./parse-json";
import { RoomIdSchema } from "./room-id";
import { SeqSchema } from "./seq";

/**
 * The user's inbox socket (`/api/inbox`): what the sidebar learns about the user's other rooms
 * without asking. Server to client only; a client sends nothing but keep-alive pings. Client and
 * server both import this module; it stays free of platform imports.
 */

/**
 * A room tells the inboxes of its online members at most once per this long (one coalesced
 * note): under 1 s, so a message that just missed a note still reaches the sidebar within 1 s.
 */
export const INBOX_NOTE_EVERY_MS = 900;

/** The newest message in one room, and how many messages in it mentioned this user since the last note. */
export const RoomActivityNoteSchema = v.object({
	type: v.literal("room_activity"),
	roomId: RoomIdSchema,
	latestSeq: SeqSchema,
	/** The room's message count (ordinals; changes to messages never count as unread). */
	latestN: v.pipe(v.number(), v.integer(), v.minValue(0)),
	/** Messages since the previous note that mention this user (by name or @here). */
	mentions: v.pipe(v.number(), v.integer(), v.minValue(0)),
	latestMentionSeq: v.nullable(SeqSchema),
	/**
	 * Messages that mentioned this user and were deleted since the previous note, by seq: each
	 * one the reader had not read yet counts as one mention fewer. Absent from older rooms.
	 */
	unmentioned: v.optional(v.array(SeqSchema), []),
});
export type RoomActivityNote = v.InferOutput<typeof RoomActivityNoteSchema>;

const InboxServerMessageSchema = v.variant("type", [
	RoomActivityNoteSchema,
	/** Once after connecting: where each of the user's rooms stands now (the room list may lag it). */
	v.object({
		type: v.literal("rooms"),
		rooms: v.array(v.object({ roomId: RoomIdSchema, latestSeq: SeqSchema, latestN: v.number() })),
	}),
	/** The user left this room (on any device): it goes from the sidebar. */
	v.object({ type: v.literal("left"), roomId: RoomIdSchema }),
	/** The user's read marker moved in this room (on any device). */
	v.object({
		type: v.literal("read"),
		roomId: RoomIdSchema,
		lastReadSeq: SeqSchema,
		lastReadN: v.pipe(v.number(), v.integer(), v.minValue(0)),
	}),
]);
export type InboxServerMessage = v.InferOutput<typeof InboxServerMessageSchema>;

export function parseInboxMessage(raw: string): InboxServerMessage | null {
	return parseJson(InboxServerMessageSchema, raw);
}
