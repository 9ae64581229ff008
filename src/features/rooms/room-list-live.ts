import type { RoomList, RoomSummary } from "../../../api/protocol/http-api";
import type { InboxServerMessage } from "../../../api/protocol/inbox-protocol";

type Moved = {
	roomId: string;
	latestSeq: number;
	latestN: number;
	mentions: number;
	latestMentionSeq: number | null;
	unmentioned: number[];
};

/**
 * A room moved: its unread count grows by the messages the sidebar had not counted yet (by
 * ordinal, as the server counts), and its mentions by those the note carries. A note no newer
 * than what the list shows (repeated, or older than a list fetched since) changes nothing.
 */
function moved(room: RoomSummary, note: Moved): RoomSummary {
	// By seq, not ordinal: an edit that mentions someone for the first time moves the seq only.
	if (room.id !== note.roomId || !room.member || note.latestSeq <= room.latestSeq) return room;
	// Mentions the reader has read (the marker passed them), or that the list already counts
	// (fetched after the mention was recorded), are not counted again.
	const newMention =
		note.latestMentionSeq !== null &&
		note.latestMentionSeq > (room.lastReadSeq ?? 0) &&
		note.latestMentionSeq > (room.latestMentionSeq ?? 0);
	const latestMentionSeq = newMention ? note.latestMentionSeq : room.latestMentionSeq;
	// A deleted message's mention was counted if it was unread and no newer than the newest one
	// the list counts (the note's own mentions included, as a message can come and go in one note).
	const gone = note.unmentioned.filter((seq) => seq > (room.lastReadSeq ?? 0) && seq <= (latestMentionSeq ?? 0)).length;
	const mentions = Math.max(0, room.mentions + (newMention ? note.mentions : 0) - gone);
	return {
		...room,
		latestSeq: note.latestSeq,
		latestN: Math.max(room.latestN, note.latestN),
		unread: room.unread + Math.max(0, note.latestN - room.latestN),
		mentions,
		latestMentionSeq: mentions === 0 ? null : latestMentionSeq,
	};
}

/** The read marker moved (here or on another device): what is left unread is what lies past it. */
function read(room: RoomSummary, marker: { roomId: string; lastReadSeq: number; lastReadN: number }): RoomSummary {
	if (room.id !== marker.roomId || !room.member || marker.lastReadSeq <= (room.lastReadSeq ?? 0)) return room;
	const latestN = Math.max(room.latestN, marker.lastReadN);
	const mentionsRead = room.latestMentionSeq === null || room.latestMentionSeq <= marker.lastReadSeq;
	return {
		...room,
		lastReadSeq: marker.lastReadSeq,
		latestSeq: Math.max(room.latestSeq, marker.lastReadSeq),
		latestN,
		unread: Math.max(0, latestN - marker.lastReadN),
		mentions: mentionsRead ? 0 : room.mentions,
		latestMentionSeq: mentionsRead ? null : room.latestMentionSeq,
	};
}

/**
 * Whether a frame speaks of a room the list does not hold as joined (joined, created or left on
 * another device): the list itself has to be asked for again, as notes carry no names.
 */
export function listOutOfDate(list: RoomList, frame: InboxServerMessage): boolean {
	const joined = new Set(list.rooms.filter((room) => room.member).map((room) => room.id));
	switch (frame.type) {
		case "left":
			return joined.has(frame.roomId);
		case "rooms":
			return frame.rooms.some((room) => !joined.has(room.roomId));
		default:
			return !joined.has(frame.roomId);
	}
}

/** The room list with one inbox frame applied; the same list when nothing in it changed. */
export function applyInboxFrame(list: RoomList, frame: InboxServerMessage): RoomList {
	if (frame.type === "left") return list;
	const change: (room: RoomSummary) => RoomSummary =
		frame.type === "read"
			? (room) => read(room, frame)
			: (() => {
					const notes: Moved[] =
						frame.type === "room_activity"
							? [frame]
							: frame.rooms.map((r) => ({ ...r, mentions: 0, latestMentionSeq: null, unmentioned: [] }));
					const byRoom = new Map(notes.map((note) => [note.roomId, note]));
					return (room: RoomSummary) => {
						const note = byRoom.get(room.id);
						return note ? moved(room, note) : room;
					};
				})();
	let changed = false;
	const rooms = list.rooms.map((room) => {
		const next = change(room);
		if (next !== room) changed = true;
		return next;
	});
	return changed ? { rooms } : list;
}

/**
 * The newest seq and ordinal the inbox has told of, per room: applied again to every list fetched
 * afterwards (and to the first, if the inbox spoke first), whose D1 copy may trail them.
 */
export class LatestSeen {
	private readonly rooms = new Map<string, { roomId: string; latestSeq: number; latestN: number }>();

	note(frame: InboxServerMessage): void {
		const seen = frame.type === "room_activity" ? [frame] : frame.type === "rooms" ? frame.rooms : [];
		for (const { roomId, latestSeq, latestN } of seen) {
			const known = this.rooms.get(roomId);
			if (!known || latestSeq > known.latestSeq) this.rooms.set(roomId, { roomId, latestSeq, latestN });
		}
	}

	applyTo(list: RoomList): RoomList {
		return this.rooms.size === 0 ? list : applyInboxFrame(list, { type: "rooms", rooms: [...this.rooms.values()] });
	}
}
