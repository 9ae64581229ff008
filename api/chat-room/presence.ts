import type { Author } from "../protocol/room-protocol";

/**
 * Who is in the room. A user is present while any of their sockets is, and for a grace period
 * after the last one closes, so a reconnect blip (a network switch, a deploy) announces nothing.
 * Lives in memory only: presence is never stored, and a room that hibernates rebuilds it from
 * its open sockets on wake.
 */
export class PresenceTracker {
	private readonly lingering = new Map<string, { user: Author; timer: ReturnType<typeof setTimeout> }>();
	private announced: string | undefined;

	constructor(
		private readonly graceMs: number,
		/** The users with at least one open, ready socket right now. */
		private readonly connected: () => Author[],
		/** Called with the new list whenever it changes. */
		private readonly announce: (users: Author[]) => void,
	) {}

	/** Everyone present, each once, by name. */
	list(): Author[] {
		const byId = new Map<string, Author>();
		for (const { user } of this.lingering.values()) byId.set(user.id, user);
		for (const user of this.connected()) byId.set(user.id, user);
		return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
	}

	/** A socket of `user` became ready; true when that changed the list (and it was announced). */
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
		const users = this.list();
		const key = users.map((u) => `${u.id}\u0000${u.name}\u0000${u.image ?? ""}`).join("\u0001");
		if (key === this.announced) return false;
		this.announced = key;
		this.announce(users);
		return true;
	}
}
