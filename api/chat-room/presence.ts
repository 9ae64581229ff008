import type { Author } from "../protocol/room-protocol";

/**
 * Who is in the room. A user is present while any of their sockets is, and for a grace period
 * after the last one closes, so a reconnect blip (a network switch, a deploy) announces nothing.
 * Lives in memory only: presence is never stored, and a room that hibernates rebuilds it from
 * its open sockets on wake.
 */
/**
 * Changes within this long go out as one list. After a deploy every user reconnects at once, and
 * one list per arrival would send each of N sockets N lists.
 */
export const PRESENCE_ANNOUNCE_MS = 200;

export class PresenceTracker {
	private readonly lingering = new Map<string, { user: Author; timer: ReturnType<typeof setTimeout> }>();
	private announced: string | undefined;
	private pending: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly graceMs: number,
		/** The users with at least one open, ready socket right now. */
		private readonly connected: () => Author[],
		/** Called with the list, a moment after it changes; it goes to every ready socket. */
		private readonly announce: (users: Author[]) => void,
	) {}

	/** Everyone present, each once, by name. */
	list(): Author[] {
		const byId = new Map<string, Author>();
		for (const { user } of this.lingering.values()) byId.set(user.id, user);
		for (const user of this.connected()) byId.set(user.id, user);
		return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
	}

	/**
	 * A socket of `user` became ready. True when a list is about to go out to every ready socket
	 * (this one included); false when nothing changed, so the caller sends this socket the list.
	 */
	arrived(user: Author): boolean {
		const pending = this.lingering.get(user.id);
		if (pending) {
			clearTimeout(pending.timer);
			this.lingering.delete(user.id);
		}
		return this.announceIfChanged();
	}

	/** A socket of `user` closed; `stillConnected` says whether they have another one open. */
	departed(user: Author, stillConnected: boolean): void {
		if (stillConnected || this.lingering.has(user.id)) return;
		const timer = setTimeout(() => {
			this.lingering.delete(user.id);
			this.announceIfChanged();
		}, this.graceMs);
		this.lingering.set(user.id, { user, timer });
	}

	private announceIfChanged(): boolean {
		if (this.pending) return true;
		if (keyOf(this.list()) === this.announced) return false;
		this.pending = setTimeout(() => {
			this.pending = null;
			const users = this.list();
			this.announced = keyOf(users);
			this.announce(users);
		}, PRESENCE_ANNOUNCE_MS);
		return true;
	}
}

function keyOf(users: Author[]): string {
	return users.map((u) => `${u.id}\u0000${u.name}\u0000${u.image ?? ""}`).join("\u0001");
}
