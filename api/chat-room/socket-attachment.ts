import * as v from "valibot";
import { RoomIdSchema } from "../protocol/room-id";
import { AuthorSchema, RoleSchema } from "../protocol/room-protocol";

/**
 * What a connection carries through hibernation (`serializeAttachment`). Kept small: the
 * runtime caps attachments at 2 KiB, and every wake-up deserializes them. Read back through the
 * schema, so an attachment from an older release (or a corrupt one) is narrowed, not trusted.
 */
const AttachmentSchema = v.object({
	roomId: RoomIdSchema,
	/** The user the Worker verified before the upgrade. */
	user: AuthorSchema,
	connectionId: v.string(),
	/** The Better Auth session behind the socket; ending it closes the socket. */
	sessionId: v.string(),
	/** When the session behind this socket ends (ms since the epoch). */
	sessionExpiresAt: v.number(),
	/** Set once the client said `hello`; only ready sockets receive live messages. */
	ready: v.boolean(),
	/** When the socket was accepted; over the per-user cap, the oldest socket is closed. Older releases lack it. */
	openedAt: v.optional(v.number(), 0),
	/** What the user may do here; changed in place when the owner names or removes a moderator. */
	role: v.optional(RoleSchema, "member"),
});
export type SocketAttachment = v.InferOutput<typeof AttachmentSchema>;

/** A deserialized attachment, or null when it is malformed. */
function parseAttachment(value: unknown): SocketAttachment | null {
	const parsed = v.safeParse(AttachmentSchema, value);
	return parsed.success ? parsed.output : null;
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
