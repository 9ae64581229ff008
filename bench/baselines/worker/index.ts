import { DurableObject } from "cloudflare:workers";

type Env = { BARE_ROOM: DurableObjectNamespace<BareRoom>; PLAIN_HISTORY: DurableObjectNamespace<PlainHistory> };

/**
 * The runtime's floor: accept hibernatable sockets and send every frame to all of them. Nothing
 * else. For the ingest floor, `?mode=echo` answers only the sender, and `?mode=store` first
 * inserts the frame as a row (one SQLite write per message, committed per turn) then answers.
 */
export class BareRoom extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
	}

	async fetch(request: Request): Promise<Response> {
		const mode = new URL(request.url).searchParams.get("mode") ?? "broadcast";
		const { 0: client, 1: server } = new WebSocketPair();
		this.ctx.acceptWebSocket(server, [mode]);
		return new Response(null, { status: 101, webSocket: client });
	}

	async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
		const [mode] = this.ctx.getTags(ws);
		if (mode === "store") this.ctx.storage.sql.exec("INSERT INTO frames (body) VALUES (?)", String(message));
		if (mode === "echo" || mode === "store") return ws.send(message);
		for (const peer of this.ctx.getWebSockets()) peer.send(message);
	}

	async webSocketClose(ws: WebSocket, code: number): Promise<void> {
		ws.close(code === 1005 || code === 1006 ? 1000 : code);
	}
}

/** The same table shape and page query as Parlor's message store, behind no auth and no framework. */
export class PlainHistory extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS messages (
			seq INTEGER PRIMARY KEY, id TEXT NOT NULL, author_id TEXT NOT NULL, author_name TEXT NOT NULL,
			author_image TEXT, text TEXT NOT NULL, created_at INTEGER NOT NULL, client_id TEXT NOT NULL)`);
	}

	seed(total: number): number {
		const sql = this.ctx.storage.sql;
		const have = sql.exec<{ n: number }>("SELECT COALESCE(MAX(seq), 0) AS n FROM messages").one().n;
		for (let seq = have + 1; seq <= total; seq++) {
			sql.exec(
				"INSERT INTO messages VALUES (?, ?, 'bench-user', 'Bench User', NULL, ?, ?, ?)",
				seq,
				`id-${seq}`,
				`message ${seq} `.padEnd(200, "x"),
				Date.now(),
				`client-${seq}`,
			);
		}
		return total;
	}

	page(before: number | null, limit: number): unknown {
		const rows = this.ctx.storage.sql
			.exec(
				"SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?",
				before ?? Number.MAX_SAFE_INTEGER,
				limit + 1,
			)
			.toArray();
		const hasMore = rows.length > limit;
		return { messages: rows.slice(0, limit).reverse(), hasMore };
	}
}

export default {
	async fetch(request: Request, env: Env): Promise<Response> {
		const url = new URL(request.url);
		const room = url.searchParams.get("room") ?? "bench";
		if (url.pathname === "/ws") return env.BARE_ROOM.getByName(room).fetch(request);
		if (url.pathname === "/seed") {
			const total = Number(url.searchParams.get("total"));
			return Response.json({ total: await env.PLAIN_HISTORY.getByName(room).seed(total) });
		}
		if (url.pathname === "/history") {
			const before = url.searchParams.get("before");
			const limit = Number(url.searchParams.get("limit") ?? 50);
			return Response.json(await env.PLAIN_HISTORY.getByName(room).page(before ? Number(before) : null, limit));
		}
		return new Response("not found", { status: 404 });
	},
};
