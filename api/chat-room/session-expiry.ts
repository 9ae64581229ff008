import { CLOSE_SESSION_ENDED } from "../protocol/room-protocol";
import type { AttachmentCache } from "./socket-attachment";

/**
 * Closes every socket whose session has ended and returns when the next one ends (null when no
 * open socket has a session left). The room's alarm calls this, so an expired session is cut off
 * even while its socket stays silent. The client then asks the Worker whether the session was
 * extended meanwhile, and reconnects with the new expiry if it was.
 */
export function closeExpiredSockets(sockets: WebSocket[], attachments: AttachmentCache, now: number): number | null {
	let next: number | null = null;
	for (const ws of sockets) {
		const attachment = attachments.get(ws);
		if (!attachment) continue;
		if (attachment.sessionExpiresAt <= now) {
			closeQuietly(ws, CLOSE_SESSION_ENDED, "Session expired; sign in again.");
		} else if (next === null || attachment.sessionExpiresAt < next) {
			next = attachment.sessionExpiresAt;
		}
	}
	return next;
}

export function closeQuietly(ws: WebSocket, code: number, reason: string): void {
	try {
		ws.close(code, reason);
	} catch {
		// Already closing; nothing left to do.
	}
}
