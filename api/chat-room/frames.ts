import type { ServerMessage } from "../protocol/room-protocol";

/** Sends one frame; a socket that is already gone is left to its close handler. */
export function sendFrame(ws: WebSocket, frame: ServerMessage): void {
	try {
		ws.send(JSON.stringify(frame));
	} catch {
		// The peer is already gone; its close handler cleans up.
	}
}

/** Sends one frame to many sockets, serialized once. */
export function broadcastFrame(frame: ServerMessage, peers: WebSocket[]): void {
	const json = JSON.stringify(frame);
	for (const peer of peers) {
		try {
			peer.send(json);
		} catch {
			// Closing socket; its close handler cleans up.
		}
	}
}
