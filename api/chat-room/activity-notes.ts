import { INBOX_NOTE_EVERY_MS, type RoomActivityNote } from "../protocol/inbox-protocol";
import { HERE_TOKEN } from "../protocol/mentions";

/** Hands one note to one user's inbox; false when that inbox has no socket left (the user went offline). */
export type NoteDelivery = (userId: string, note: RoomActivityNote) => Promise<boolean>;

/** Who a stored message mentions (from the room's mention rules), to count in their next note. */
export type Told = { userId: string; seq: number };

/**
 * Tells the inboxes of the room's *online* members that the room moved: at most one note per
 * room per `INBOX_NOTE_EVERY_MS`, whatever the message rate, carrying the newest seq and the
 * mentions since the last one. An inbox asks to be told (`watch`) while its user has a socket
 * open; one that answers "no socket" is dropped. So a message costs one note per online
 * watcher per second at most, and nothing for the members who are offline.
 */
export class ActivityNotes {
	private timer: ReturnType<typeof setTimeout> | null = null;
	private lastSentAt = Number.NEGATIVE_INFINITY;
	private mentions = new Map<string, { count: number; latest: number }>();
	/** Seqs of deleted messages that had mentioned each watcher, since the last note. */
	private unmentions = new Map<string, number[]>();
	private roomId: string | null = null;
	/** The watchers table (user, when they asked), read once per wake: a note follows every batch. */
	private watchers: Map<string, number> | null = null;
	/** Strictly increasing stamps: a watch that lands while a note is out must outrank that note. */
	private clock = 0;

	constructor(
		private readonly sql: SqlStorage,
		private readonly latest: () => { seq: number; n: number },
		private readonly deliver: NoteDelivery,
		private readonly everyMs = INBOX_NOTE_EVERY_MS,
	) {}

	watch(roomId: string, userId: string): void {
		this.roomId = roomId;
		const at = this.tick();
		this.sql.exec(
			"INSERT INTO inbox_watchers (user_id, watched_at) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET watched_at = excluded.watched_at",
			userId,
			at,
		);
		this.loaded().set(userId, at);
	}

	unwatch(userId: string): void {
		this.sql.exec("DELETE FROM inbox_watchers WHERE user_id = ?", userId);
		this.loaded().delete(userId);
		this.mentions.delete(userId);
		this.unmentions.delete(userId);
	}

	/**
	 * An inbox answered that it had no socket when the note stamped `sentAt` reached it. A watch
	 * made since (the user reloaded while the note was out) keeps its place.
	 */
	private offline(userId: string, sentAt: number): void {
		const at = this.loaded().get(userId);
		if (at === undefined || at > sentAt) return;
		this.sql.exec("DELETE FROM inbox_watchers WHERE user_id = ? AND watched_at <= ?", userId, sentAt);
		this.loaded().delete(userId);
		this.mentions.delete(userId);
		this.unmentions.delete(userId);
	}

	get watcherCount(): number {
		return this.loaded().size;
	}

	/**
	 * Messages were stored, or messages that mentioned someone were deleted (`gone`: who had been
	 * told of which): note them to the watchers now, or once the current second is over.
	 */
	changed(roomId: string, told: Told[], now = Date.now(), gone: Told[] = []): void {
		this.roomId = roomId;
		const watchers = this.loaded();
		if (watchers.size === 0) return;
		for (const { userId, seq } of told) {
			if (!watchers.has(userId)) continue;
			const counted = this.mentions.get(userId);
			this.mentions.set(userId, { count: (counted?.count ?? 0) + 1, latest: Math.max(counted?.latest ?? 0, seq) });
		}
		for (const { userId, seq } of gone) {
			if (!watchers.has(userId)) continue;
			const seqs = this.unmentions.get(userId);
			if (seqs) seqs.push(seq);
			else this.unmentions.set(userId, [seq]);
		}
		if (this.timer) return;
		this.timer = setTimeout(() => this.flush(), Math.max(0, this.lastSentAt + this.everyMs - now));
	}

	private flush(): void {
		this.timer = null;
		this.lastSentAt = Date.now();
		const sentAt = this.tick();
		const roomId = this.roomId;
		if (roomId === null) return;
		const { seq, n } = this.latest();
		const mentions = this.mentions;
		const unmentions = this.unmentions;
		this.mentions = new Map();
		this.unmentions = new Map();
		for (const userId of this.loaded().keys()) {
			const mentioned = mentions.get(userId);
			const note: RoomActivityNote = {
				type: "room_activity",
				roomId,
				latestSeq: seq,
				latestN: n,
				mentions: mentioned?.count ?? 0,
				latestMentionSeq: mentioned?.latest ?? null,
				unmentioned: unmentions.get(userId) ?? [],
			};
			this.deliver(userId, note).then(
				(online) => {
					if (!online) this.offline(userId, sentAt);
				},
				// An inbox that could not be reached keeps its place; the next note tries again.
				(error: unknown) => console.warn("activity note not delivered", error),
			);
		}
	}

	private loaded(): Map<string, number> {
		if (this.watchers === null) {
			const rows = this.sql.exec<{ user_id: string; watched_at: number }>(
				"SELECT user_id, watched_at FROM inbox_watchers",
			);
			this.watchers = new Map(rows.toArray().map((row) => [row.user_id, row.watched_at]));
			for (const at of this.watchers.values()) this.clock = Math.max(this.clock, at);
		}
		return this.watchers;
	}

	private tick(): number {
		this.loaded();
		this.clock = Math.max(Date.now(), this.clock + 1);
		return this.clock;
	}
}

/**
 * Who had been told of each of these deleted messages, by the message's seq: their sidebars count
 * one mention fewer. Read from the tombstones, which keep their seq and everyone ever told.
 */
export function toldOfDeleted(
	store: { findById(id: string): { seq: number } | null; notifiedOf(id: string): string[] },
	deleted: string[],
): Told[] {
	return deleted.flatMap((id) => {
		const seq = store.findById(id)?.seq;
		if (seq === undefined) return [];
		return store.notifiedOf(id).flatMap((userId) => (userId === HERE_TOKEN ? [] : [{ userId, seq }]));
	});
}
