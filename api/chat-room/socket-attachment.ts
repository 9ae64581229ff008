import type { Author } from "../protocol/room-protocol";

/**
 * What a connection carries through hibernation (`serializeAttachment`). Kept small: the
 * runtime caps attachments at 2 KiB, and every wake-up deserializes them.
 */
export type SocketAttachment = {
	roomId: string;
	/** The user the Worker verified before the upgrade. */
	user: Author;
	connectionId: string;
	/** The Better Auth session behind the socket; ending it closes the socket. */
	sessionId: string;
	/** When the session behind this socket ends (ms since the epoch). */
	sessionExpiresAt: number;
	/** Set once the client said `hello`; only ready sockets receive live messages. */
	ready: boolean;
	/** When the socket was accepted; over the per-user cap, the oldest socket is closed. */
	openedAt: number;
};

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null;
}

/** Narrows a deserialized attachment field by field; anything malformed reads as null. */
export function parseAttachment(value: unknown): SocketAttachment | null {
	if (!isRecord(value) || !isRecord(value.user)) return null;
	const { roomId, user, connectionId, sessionId, sessionExpiresAt, ready } = value;
	if (typeof roomId !== "string") return null;
	if (typeof user.id !== "string" || typeof user.name !== "string") return null;
	if (user.image !== null && typeof user.image !== "string") return null;
	if (typeof connectionId !== "string" || typeof sessionId !== "string") return null;
	if (typeof sessionExpiresAt !== "number" || typeof ready !== "boolean") return null;
	const author = { id: user.id, name: user.name, image: user.image };
	// Sockets accepted before `openedAt` existed count as the oldest.
	const openedAt = typeof value.openedAt === "number" ? value.openedAt : 0;
	return { roomId, user: author, connectionId, sessionId, sessionExpiresAt, ready, openedAt };
}

/** Tags a socket is accepted with, so the room can find sockets by user or by session. */
export const userTag = (userId: string) => `user:${userId}`;
export const sessionTag = (sessionId: string) => `session:${sessionId}`;

/** Reads a socket's attachment, caching it so a broadcast does not deserialize every socket. */
export class AttachmentCache {
	// Emptied by hibernation along with the rest of memory; refilled lazily on wake.
	private cache = new WeakMap<WebSocket, SocketAttachment>();

	get(ws: WebSocket): SocketAttachment | null {
		let attachment = this.cache.get(ws) ?? null;
		if (!attachment) {
			attachment = parseAttachment(ws.deserializeAttachment());
			if (attachment) this.cache.set(ws, attachment);
		}
		return attachment;
	}

	set(ws: WebSocket, attachment: SocketAttachment): void {
		ws.serializeAttachment(attachment);
		this.cache.set(ws, attachment);
	}
}
