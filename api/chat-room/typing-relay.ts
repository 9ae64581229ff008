import { TYPING_THROTTLE_MS } from "../protocol/room-protocol";
import { broadcastFrame } from "./frames";
import type { SocketAttachment } from "./socket-attachment";

/**
 * Relays "typing" to the room's other users: at most one notice per user per half the client's
 * throttle (a chatty client cannot flood the room), never to the typist's own tabs. Ephemeral:
 * neither stored nor replayed.
 */
export class TypingRelay {
	private readonly lastAt = new Map<string, number>();

	constructor(
		private readonly peers: () => WebSocket[],
		private readonly userOf: (ws: WebSocket) => string | undefined,
	) {}

	typed(attachment: SocketAttachment, now: number): void {
		if (!attachment.ready) return;
		const user = attachment.user;
		if (now - (this.lastAt.get(user.id) ?? 0) < TYPING_THROTTLE_MS / 2) return;
		this.lastAt.set(user.id, now);
		broadcastFrame(
			{ type: "typing", user },
			this.peers().filter((peer) => this.userOf(peer) !== user.id),
		);
	}
}
