import * as v from "valibot";
import { parseJson } from "../protocol/parse-json";
import { RoomIdSchema } from "../protocol/room-id";
import { AuthorSchema, RoleSchema } from "../protocol/room-protocol";

/**
 * How the Worker tells a room who is connecting. The Worker authenticates; the room trusts only
 * this header, and only because `roomUpgradeRequest` builds every upgrade request from scratch:
 * no header a client sent can reach the Durable Object.
 */
const CONNECTION_HEADER = "x-parlor-connection";

const ConnectionSchema = v.object({
	roomId: RoomIdSchema,
	user: AuthorSchema,
	sessionId: v.string(),
	sessionExpiresAt: v.number(),
	/** The user's role in the room, from D1. */
	role: RoleSchema,
});
export type RoomConnection = v.InferOutput<typeof ConnectionSchema>;

/** Worker side: the request to forward to the room's Durable Object for a verified user. */
export function roomUpgradeRequest(connection: RoomConnection): Request {
	return new Request("https://room.internal/socket", {
		headers: { Upgrade: "websocket", [CONNECTION_HEADER]: JSON.stringify(connection) },
	});
}

/** Durable Object side: the verified connection, or null if the request did not come from the Worker. */
export function readRoomConnection(request: Request): RoomConnection | null {
	return parseJson(ConnectionSchema, request.headers.get(CONNECTION_HEADER));
}
