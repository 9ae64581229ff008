import { Hono } from "hono";
import { roomStub } from "../chat-room/room-stub";
import type { AppEnv } from "../env";
import { roomAccess } from "../middleware/room-access";
import { roomIdParam } from "../middleware/room-id";
import { requireSession } from "../middleware/session";
import { validate } from "../middleware/validate";
import { type HistoryPage, HistoryQuerySchema } from "../protocol/http-api";

/** `GET /` relative to a room: one page of its history, ascending by seq. */
export const roomMessagesRoutes = new Hono<AppEnv>().get(
	"/",
	roomIdParam,
	requireSession,
	roomAccess,
	validate("query", HistoryQuerySchema),
	async (c) => {
		const { before, limit } = c.req.valid("query");
		const roomId = c.var.roomId;
		const page: HistoryPage = await roomStub(c.env, roomId).getHistory(roomId, before, limit);
		return c.json(page);
	},
);
