import { Hono } from "hono";
import type { AppEnv } from "./env";
import { jsonError } from "./http-errors";
import { roomIdParam } from "./middleware/room-id";
import { loadFreshSession, loadSession } from "./middleware/session";
import { authRoutes } from "./routes/auth";
import { authMethodsRoutes } from "./routes/auth-methods";
import { healthRoutes } from "./routes/health";
import { meRoutes } from "./routes/me";
import { roomMessagesRoutes } from "./routes/room-messages";
import { roomSocketRoutes } from "./routes/room-socket";

export { ChatRoomDurableObject } from "./chat-room/ChatRoomDurableObject";

const app = new Hono<AppEnv>().basePath("/api");

app.use("/me", loadSession);
app.use("/rooms/:room/*", roomIdParam);
app.use("/rooms/:room/messages", loadSession);
app.use("/rooms/:room/socket", loadFreshSession);
app.use("/chat/messages", roomIdParam, loadSession);
app.use("/chat", roomIdParam, loadFreshSession);

app
	.route("/auth", authRoutes)
	.route("/auth-methods", authMethodsRoutes)
	.route("/health", healthRoutes)
	.route("/me", meRoutes)
	.route("/rooms/:room/messages", roomMessagesRoutes)
	.route("/rooms/:room/socket", roomSocketRoutes)
	// The first release's endpoints, kept as aliases for the default room.
	.route("/chat/messages", roomMessagesRoutes)
	.route("/chat", roomSocketRoutes);

app.notFound((c) => jsonError(c, 404, "not_found", `No API route for ${c.req.method} ${c.req.path}`));
app.onError((err, c) => {
	console.error("unhandled error", err);
	return jsonError(c, 500, "internal", "Something went wrong on our side.");
});

export default app;
