import type { RoomList, RoomSummary } from "../../../api/protocol/http-api";
import type { InboxServerMessage } from "../../../api/protocol/inbox-protocol";

type Moved = { roomId: string; latestSeq: number; latestN: number; mentions: number; latestMentionSeq: number | null };

/**
 * A room moved: its unread count grows by the messages the sidebar had not counted yet (by
 * ordinal, as the server counts), and its mentions by those the note carries. A note no newer
 * than what the list shows (repeated, or older than a list fetched since) changes nothing.
 */
function moved(room: RoomSummary, note: Moved): RoomSummary {
	// By seq, not ordinal: an edit that mentions someone for the first time moves the seq only.
	if (room.id !== note.roomId || !room.member || note.latestSeq <= room.latestSeq) return room;
	return {
		...room,
		latestSeq: note.latestSeq,
		latestN: Math.max(room.latestN, note.latestN),
		unread: room.unread + Math.max(0, note.latestN - room.latestN),
		mentions: room.mentions + note.mentions,
		latestMentionSeq: note.latestMentionSeq ?? room.latestMentionSeq,
	};
}

/** The room list with one inbox frame applied (a `read` frame is answered by asking again, not here). */
export function applyInboxFrame(list: RoomList, frame: InboxServerMessage): RoomList {
	const notes: Moved[] =
		frame.type === "room_activity"
			? [frame]
			: frame.type === "rooms"
				? frame.rooms.map((r) => ({ ...r, mentions: 0, latestMentionSeq: null }))
				: [];
	if (notes.length === 0) return list;
	const byRoom = new Map(notes.map((note) => [note.roomId, note]));
	let changed = false;
	const rooms = list.rooms.map((room) => {
		const note = byRoom.get(room.id);
		const next = note ? moved(room, note) : room;
		if (next !== room) changed = true;
		return next;
	});
	return changed ? { rooms } : list;
}
