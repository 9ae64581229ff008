import { DurableObject } from "cloudflare:workers";

/** One chat room. Minimal for now: accepts hibernatable sockets and relays text to everyone. */
export class ChatRoomDurableObject extends DurableObject<Env> {
	async fetch(request: Request): Promise<Response> {
		if (request.headers.get("Upgrade") !== "websocket") {
			return new Response("Expected a WebSocket upgrade", { status: 426 });
		}
		const { 0: client, 1: server } = new WebSocketPair();
		this.ctx.acceptWebSocket(server);
		return new Response(null, { status: 101, webSocket: client });
	}

	async webSocketMessage(_ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
		for (const peer of this.ctx.getWebSockets()) peer.send(message);
	}

	async webSocketClose(ws: WebSocket, code: number): Promise<void> {
		ws.close(code, "closing");
	}
}
