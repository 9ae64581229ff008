import { Hono } from "hono";
import { getAuth } from "../auth";
import type { AppEnv } from "./env";
import { jsonError } from "./http-errors";
import { loadSession } from "./middleware/session";
import { healthRoutes } from "./routes/health";
import { meRoutes } from "./routes/me";

export { ChatRoomDurableObject } from "./chat-room/ChatRoomDurableObject";

const app = new Hono<AppEnv>().basePath("/api");

// Better Auth owns everything under /api/auth (sign-in, callbacks, sessions, sign-out).
app.on(["GET", "POST"], "/auth/*", (c) => getAuth(c.env).handler(c.req.raw));

const routes = app.route("/health", healthRoutes).use("/me", loadSession).route("/me", meRoutes);

app.notFound((c) => jsonError(c, 404, "not_found", `No API route for ${c.req.method} ${c.req.path}`));
app.onError((err, c) => {
	console.error("unhandled error", err);
	return jsonError(c, 500, "internal", "Something went wrong on our side.");
});

export type AppType = typeof routes;
export default app satisfies ExportedHandler<Env>;
