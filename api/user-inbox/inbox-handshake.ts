import * as v from "valibot";
import { parseJson } from "../protocol/parse-json";

/**
 * How the Worker tells a user's inbox who is connecting. As with rooms (room-handshake.ts), the
 * upgrade request is built from scratch here, so no header a client sent reaches the Durable Object.
 */
const CONNECTION_HEADER = "x-parlor-inbox";

const InboxConnectionSchema = v.object({
	userId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
	sessionId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
	/** When the session behind the socket ends (ms since the epoch); the inbox closes it then. */
	sessionExpiresAt: v.number(),
});
export type InboxConnection = v.InferOutput<typeof InboxConnectionSchema>;

/** Worker side: the request to forward to the user's inbox for a verified session. */
export function inboxUpgradeRequest(connection: InboxConnection): Request {
	return new Request("https://inbox.internal/socket", {
		headers: { Upgrade: "websocket", [CONNECTION_HEADER]: JSON.stringify(connection) },
	});
}

/** Durable Object side: the verified connection, or null if the request did not come from the Worker. */
export function readInboxConnection(request: Request): InboxConnection | null {
	return parseJson(InboxConnectionSchema, request.headers.get(CONNECTION_HEADER));
}

/** A socket's attachment, read back through the schema: narrowed, not trusted. */
export function parseInboxConnection(value: unknown): InboxConnection | null {
	const parsed = v.safeParse(InboxConnectionSchema, value);
	return parsed.success ? parsed.output : null;
}
