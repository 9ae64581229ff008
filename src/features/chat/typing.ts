import { userLabel } from "../../../api/protocol/display-text";
import { type Author, TYPING_THROTTLE_MS, TYPING_TIMEOUT_MS } from "../../../api/protocol/room-protocol";

/**
 * Who is typing, as this client was told: each notice lasts `timeoutMs` unless renewed, and a
 * message from that user ends it at once (they stopped typing to send it).
 */
export class TypingNotices {
	private readonly timers = new Map<string, { user: Author; timer: ReturnType<typeof setTimeout> }>();

	constructor(
		private readonly onChange: (users: Author[]) => void,
		private readonly timeoutMs = TYPING_TIMEOUT_MS,
	) {}

	noticed(user: Author): void {
		const known = this.timers.get(user.id);
		if (known) clearTimeout(known.timer);
		const timer = setTimeout(() => this.stopped(user.id), this.timeoutMs);
		this.timers.set(user.id, { user, timer });
		if (!known) this.emit();
	}

	stopped(userId: string): void {
		const known = this.timers.get(userId);
		if (!known) return;
		clearTimeout(known.timer);
		this.timers.delete(userId);
		this.emit();
	}

	dispose(): void {
		for (const { timer } of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
	}

	private emit(): void {
		this.onChange([...this.timers.values()].map(({ user }) => user));
	}
}

/**
 * What the line above the composer says. Each name is isolated (U+2068…U+2069) so right-to-left
 * text or direction marks in one name cannot reorder the sentence, and guests are marked.
 */
export function typingLabel(users: Author[]): string {
	const name = userLabel;
	const [a, b, c] = users;
	if (!a) return "";
	if (!b) return `${name(a)} is typing…`;
	if (!c) return `${name(a)} and ${name(b)} are typing…`;
	return users.length === 3 ? `${name(a)}, ${name(b)} and ${name(c)} are typing…` : "Several people are typing…";
}

/**
 * Calls `send` at most once per `throttleMs`, however often the user types. A send that could not
 * go out (`send` returned false: the socket is reconnecting) does not count, so the next keystroke
 * tries again.
 */
export function typingThrottle(send: () => boolean, throttleMs = TYPING_THROTTLE_MS, now = () => Date.now()) {
	let last = Number.NEGATIVE_INFINITY;
	return {
		typed(): void {
			const t = now();
			if (t - last < throttleMs) return;
			if (send()) last = t;
		},
		/** After a send the next keystroke announces typing again without waiting. */
		reset(): void {
			last = Number.NEGATIVE_INFINITY;
		},
	};
}
