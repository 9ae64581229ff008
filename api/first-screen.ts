import type { Context } from "hono";
import { roomStub } from "./chat-room/room-stub";
import { getDb } from "./db";
import type { AppEnv } from "./env";
import { findSession } from "./middleware/session";
import { BOOT_ELEMENT_ID, type BootData, HISTORY_DEFAULT_LIMIT } from "./protocol/http-api";
import { roomOfPath } from "./protocol/room-id";
import { findRoomAccess, listRooms } from "./rooms/room-directory";
import { describeMe } from "./routes/me";

/**
 * Everything the first screen would otherwise ask for over three round trips, read at once: the
 * session, then the room list and the room's first page side by side. Access is checked exactly
 * as the API checks it (a private room the user is not in yields no history, as it yields a 404).
 */
export async function bootData(env: Env, request: Request, pathname: string): Promise<BootData> {
	// As `/api/me` does: past the cookie cache, which can hold a user as they were a minute ago
	// (a guest who just confirmed an email would still be shown as a guest).
	const session = await findSession(env, request, true);
	const mePromise = describeMe(env, session);
	if (!session) return { me: await mePromise };
	const db = getDb(env.DB);
	const target = roomOfPath(pathname);
	const history = target
		? findRoomAccess(db, target.roomId, session.user.id).then(async (room) => {
				if (!room) return undefined;
				const anchor = target.around ? { kind: "around" as const, seq: target.around } : { kind: "latest" as const };
				const page = await roomStub(env, room.id).getHistory(room.id, anchor, HISTORY_DEFAULT_LIMIT);
				return { roomId: room.id, ...(target.around ? { around: target.around } : {}), page };
			})
		: Promise.resolve(undefined);
	const [me, rooms, first] = await Promise.all([mePromise, listRooms(db, session.user.id), history]);
	return { me, rooms: { rooms }, ...(first ? { history: first } : {}) };
}

/**
 * JSON that is safe inside a `<script>` element: no `</script>`, comment or CDATA opener can
 * form, because `<`, `>` and `&` are written as escapes JSON.parse reads back unchanged.
 */
export function jsonForScript(data: unknown): string {
	return JSON.stringify(data)
		.replace(/</g, "\\u003c")
		.replace(/>/g, "\\u003e")
		.replace(/&/g, "\\u0026")
		.replace(/\u2028/g, "\\u2028")
		.replace(/\u2029/g, "\\u2029");
}

/**
 * A navigation to one of the app's pages: the static `index.html`, streamed through HTMLRewriter
 * with the first screen's data added just before `</head>`. The page's scripts and styles in the
 * head go out first, so the browser fetches them while the Worker reads the data. The data is a
 * non-executable `application/json` script, so the page's CSP stays as strict as it is.
 */
export async function firstScreen(c: Context<AppEnv>): Promise<Response> {
	const url = new URL(c.req.url);
	const boot = bootData(c.env, c.req.raw, url.pathname).catch((error: unknown) => {
		// The page still works without it: the client asks the API as it always could.
		console.error("first screen data not embedded", error);
		return null;
	});
	// The page now differs per visitor: never let the assets answer 304 to a cached copy.
	const headers = new Headers(c.req.raw.headers);
	headers.delete("if-none-match");
	headers.delete("if-modified-since");
	const page = await c.env.ASSETS.fetch(new Request(c.req.raw, { headers }));
	if (!page.ok || !(page.headers.get("content-type") ?? "").startsWith("text/html")) return page;
	const rewritten = new HTMLRewriter()
		.on("head", {
			element(head) {
				head.onEndTag(async (end) => {
					const data = await boot;
					if (data)
						end.before(`<script type="application/json" id="${BOOT_ELEMENT_ID}">${jsonForScript(data)}</script>`, {
							html: true,
						});
				});
			},
		})
		.transform(page);
	const res = new Response(rewritten.body, rewritten);
	res.headers.set("cache-control", "private, no-store");
	res.headers.delete("etag");
	res.headers.delete("last-modified");
	res.headers.append("vary", "cookie");
	return res;
}
