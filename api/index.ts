import { Hono } from "hono";
import type { AppEnv } from "./env";
import { jsonError } from "./http-errors";
import { requireTrustedOriginForWrites } from "./middleware/origin";
import { roomIdParam } from "./middleware/room-id";
import { loadFreshSession, loadSession } from "./middleware/session";
import { authRoutes } from "./routes/auth";
import { authMethodsRoutes } from "./routes/auth-methods";
import { healthRoutes } from "./routes/health";
import { inviteRoutes, roomInviteRoutes } from "./routes/invites";
import { meRoutes } from "./routes/me";
import { roomMessagesRoutes } from "./routes/room-messages";
import { roomSocketRoutes } from "./routes/room-socket";
import { roomListRoutes, roomRoutes } from "./routes/rooms";

export { ChatRoomDurableObject } from "./chat-room/ChatRoomDurableObject";

const app = new Hono<AppEnv>().basePath("/api");

app.use("/me", loadSession);
app.use("/rooms", loadSession);
app.use("/invites/*", loadSession);
app.use("/rooms/:room", roomIdParam, loadSession);
app.use("/rooms/:room/*", roomIdParam);
app.use("/rooms/:room/messages", loadSession);
app.use("/rooms/:room/socket", loadFreshSession);
app.use("/rooms/:room/join", loadSession);
app.use("/rooms/:room/leave", loadSession);
app.use("/rooms/:room/read", loadSession);
app.use("/rooms/:room/invites/*", loadSession);
// Every write below is cookie-authenticated, so each must come from the app's own pages.
app.use("/rooms/*", requireTrustedOriginForWrites);
app.use("/invites/*", requireTrustedOriginForWrites);
app.use("/chat/messages", roomIdParam, loadSession);
app.use("/chat", roomIdParam, loadFreshSession);

app
	.route("/auth", authRoutes)
	.route("/auth-methods", authMethodsRoutes)
	.route("/health", healthRoutes)
	.route("/me", meRoutes)
	.route("/rooms", roomListRoutes)
	.route("/rooms/:room/messages", roomMessagesRoutes)
	.route("/rooms/:room/socket", roomSocketRoutes)
	.route("/rooms/:room/invites", roomInviteRoutes)
	.route("/rooms/:room", roomRoutes)
	.route("/invites", inviteRoutes)
	// The first release's endpoints, kept as aliases for the default room.
	.route("/chat/messages", roomMessagesRoutes)
	.route("/chat", roomSocketRoutes);

app.notFound((c) => jsonError(c, 404, "not_found", `No API route for ${c.req.method} ${c.req.path}`));
app.onError((err, c) => {
	console.error("unhandled error", err);
	return jsonError(c, 500, "internal", "Something went wrong on our side.");
});

export default app;
