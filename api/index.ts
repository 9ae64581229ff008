import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { DEV_TOOLS } from "./dev-tools/flag";
import type { AppEnv } from "./env";
import { firstScreen } from "./first-screen";
import { jsonError } from "./http-errors";
import { maintenance } from "./maintenance";
import { requireTrustedOriginForWrites } from "./middleware/origin";
import { authRoutes } from "./routes/auth";
import { authMethodsRoutes } from "./routes/auth-methods";
import { devArchiveRoutes } from "./routes/dev-archive";
import { devMailboxRoutes } from "./routes/dev-mailbox";
import { healthRoutes } from "./routes/health";
import { inboxSocketRoutes } from "./routes/inbox-socket";
import { inviteRoutes, roomInviteRoutes } from "./routes/invites";
import { meRoutes } from "./routes/me";
import { roomExportRoutes } from "./routes/room-export";
import { roomEventsRoutes, roomMessagesRoutes } from "./routes/room-messages";
import { roomSocketRoutes } from "./routes/room-socket";
import { roomListRoutes, roomRoutes } from "./routes/rooms";
import { searchRoutes } from "./routes/search";
import { userRoutes } from "./routes/users";
import { API_POLICY, withSecurityHeaders } from "./security-headers";

export { ChatRoomDurableObject } from "./chat-room/ChatRoomDurableObject";
export { UserInboxDurableObject } from "./user-inbox/UserInboxDurableObject";

/** The API. Each router brings its own checks (session, room id, room access, body schema). */
const api = new Hono<AppEnv>()
	// Every write below is cookie-authenticated, so each must come from the app's own pages.
	.use("/rooms/*", requireTrustedOriginForWrites)
	.use("/invites/*", requireTrustedOriginForWrites)
	.use("/me/*", requireTrustedOriginForWrites)
	.route("/auth", authRoutes)
	.route("/auth-methods", authMethodsRoutes)
	.route("/health", healthRoutes)
	.route("/me", meRoutes)
	.route("/inbox", inboxSocketRoutes)
	.route("/rooms", roomListRoutes)
	.route("/rooms/:room/messages", roomMessagesRoutes)
	.route("/rooms/:room/events", roomEventsRoutes)
	.route("/rooms/:room/export", roomExportRoutes)
	.route("/rooms/:room/socket", roomSocketRoutes)
	.route("/rooms/:room/invites", roomInviteRoutes)
	.route("/rooms/:room", roomRoutes)
	.route("/invites", inviteRoutes)
	.route("/users", userRoutes)
	.route("/search", searchRoutes)
	// The first release's endpoints, kept as aliases for the default room.
	.route("/chat/messages", roomMessagesRoutes)
	.route("/chat", roomSocketRoutes);
// Development and tests only: a production build drops this (and the mailbox code) entirely.
if (DEV_TOOLS) api.route("/dev", devMailboxRoutes()).route("/dev/rooms/:room", devArchiveRoutes());

const app = new Hono<AppEnv>()
	.use(async (c, next) => {
		await next();
		const isApi = c.req.path.startsWith("/api/");
		c.res = withSecurityHeaders(c.res, c.req.url, isApi ? API_POLICY : null);
	})
	.route("/api", api)
	// An unknown API path is a JSON 404, never the single-page app's HTML.
	.all("/api/*", (c) => jsonError(c, 404, "not_found", `No API route for ${c.req.method} ${c.req.path}`))
	// Navigations (run_worker_first in wrangler.jsonc) get the page from the static assets, whose
	// `_headers` carry the page's policy, with the first screen's data embedded (first-screen.ts);
	// the middleware above adds HSTS over https.
	.get("*", firstScreen);

app.onError((err, c) => {
	// Malformed JSON and the like, raised by Hono's own parsers: the client's fault, said plainly.
	if (err instanceof HTTPException && err.status < 500) return jsonError(c, err.status, "bad_request", err.message);
	console.error("unhandled error", err);
	return jsonError(c, 500, "internal", "Something went wrong on our side.");
});

export type AppType = typeof api;

export default {
	fetch: app.fetch,
	async scheduled(_controller, env, ctx) {
		ctx.waitUntil(maintenance(env).then((report) => console.log("maintenance", JSON.stringify(report))));
	},
} satisfies ExportedHandler<Env>;
