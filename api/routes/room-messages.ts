import { Hono } from "hono";
import * as v from "valibot";
import { roomStub } from "../chat-room/room-stub";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { roomAccess } from "../middleware/room-access";
import { requireSession } from "../middleware/session";
import { type HistoryPage, HistoryQuerySchema } from "../protocol/http-api";

/** `GET /` relative to a room: one page of its history, ascending by seq. */
export const roomMessagesRoutes = new Hono<AppEnv>().get("/", requireSession, roomAccess, async (c) => {
	const query = v.safeParse(HistoryQuerySchema, c.req.query());
	if (!query.success) return jsonError(c, 400, "bad_query", query.issues[0].message);
	const roomId = c.var.roomId;
	const page: HistoryPage = await roomStub(c.env, roomId).getHistory(roomId, query.output.before, query.output.limit);
	return c.json(page);
});
