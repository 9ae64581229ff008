import { type Author, PRESENCE_DELTA_CAP, PRESENCE_LIST_CAP } from "../protocol/room-protocol";

/**
 * Who is in the room. A user is present while any of their sockets is, and for a grace period
 * after the last one closes, so a reconnect blip (a network switch, a deploy) announces nothing.
 * Lives in memory only: presence is never stored, and a room that hibernates rebuilds it from
 * its open sockets on wake.
 */
/**
 * Changes within this long go out as one delta. After a deploy every user reconnects at once, and
 * one frame per arrival would send each of N sockets N frames.
 */
export const PRESENCE_ANNOUNCE_MS = 200;

export type PresenceDelta = { joined: Author[]; left: string[]; total: number };

export class PresenceTracker {
	private readonly lingering = new Map<string, { user: Author; timer: ReturnType<typeof setTimeout> }>();
	/** What the last delta told everyone: each user's id and how they looked (name, avatar). */
	private announced = new Map<string, string>();
	private pending: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly graceMs: number,
		/** The users with at least one open, ready socket right now. */
		private readonly connected: () => Author[],
		/** Called with who came and went, a moment after a change; it goes to every ready socket. */
		private readonly announce: (delta: PresenceDelta) => void,
	) {}

	/** Everyone present, each once, by name. */
	list(): Author[] {
		const byId = new Map<string, Author>();
		for (const { user } of this.lingering.values()) byId.set(user.id, user);
		for (const user of this.connected()) byId.set(user.id, user);
		return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
	}

	/** What a socket that just said hello is sent: the first PRESENCE_LIST_CAP by name, and the count. */
	snapshot(): { users: Author[]; total: number } {
		const users = this.list();
		return { users: users.slice(0, PRESENCE_LIST_CAP), total: users.length };
	}

	/** A socket of `user` became ready: everyone else hears of it in the next delta, if it is news. */
	arrived(user: Author): void {
		const pending = this.lingering.get(user.id);
		if (pending) {
			clearTimeout(pending.timer);
			this.lingering.delete(user.id);
		}
		this.announceSoon();
	}

	/** A socket of `user` closed; `stillConnected` says whether they have another one open. */
	departed(user: Author, stillConnected: boolean): void {
		if (stillConnected || this.lingering.has(user.id)) return;
		const timer = setTimeout(() => {
			this.lingering.delete(user.id);
			this.announceSoon();
		}, this.graceMs);
		this.lingering.set(user.id, { user, timer });
	}

	private announceSoon(): void {
		if (this.pending) return;
		this.pending = setTimeout(() => {
			this.pending = null;
			const users = this.list();
			const now = new Map(users.map((u) => [u.id, keyOf(u)]));
			const joined = users.filter((u) => this.announced.get(u.id) !== now.get(u.id));
			const left = [...this.announced.keys()].filter((id) => !now.has(id));
			this.announced = now;
			if (joined.length === 0 && left.length === 0) return;
			this.announce({
				joined: joined.slice(0, PRESENCE_DELTA_CAP),
				left: left.slice(0, PRESENCE_DELTA_CAP * 10),
				total: users.length,
			});
		}, PRESENCE_ANNOUNCE_MS);
	}
}

function keyOf(user: Author): string {
	return `${user.name}\u0000${user.image ?? ""}`;
}
