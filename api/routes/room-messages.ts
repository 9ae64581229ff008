import { Hono } from "hono";
import { roomStub } from "../chat-room/room-stub";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { roomReadAccess } from "../middleware/room-access";
import { roomIdParam } from "../middleware/room-id";
import { requireSession } from "../middleware/session";
import { validate } from "../middleware/validate";
import {
	EventsQuerySchema,
	type HistoryAnchor,
	type HistoryPage,
	type HistoryQuery,
	HistoryQuerySchema,
	MessageIdParamSchema,
	type MessageVersions,
} from "../protocol/http-api";

function anchorOf(query: HistoryQuery): HistoryAnchor {
	if (query.before !== undefined) return { kind: "before", seq: query.before };
	if (query.after !== undefined) return { kind: "after", seq: query.after };
	if (query.around !== undefined) return { kind: "around", seq: query.around };
	return { kind: "latest" };
}

/**
 * `GET /` relative to a room: one page of its history, ascending by seq, with every change folded
 * in: the newest page, or `?before=`, `?after=` or `?around=` a seq. `GET /:id/versions`: the
 * earlier texts of an edited message.
 */
export const roomMessagesRoutes = new Hono<AppEnv>()
	.use(roomIdParam, requireSession, roomReadAccess)
	.get("/", validate("query", HistoryQuerySchema), async (c) => {
		const query = c.req.valid("query");
		const roomId = c.var.roomId;
		const page: HistoryPage = await roomStub(c.env, roomId).getHistory(roomId, anchorOf(query), query.limit);
		return c.json(page);
	})
	.get("/:id/versions", validate("param", MessageIdParamSchema), async (c) => {
		const versions = await roomStub(c.env, c.var.roomId).getVersions(c.req.valid("param").id);
		if (versions === null) return jsonError(c, 404, "message_not_found", "That message is not in this room any more.");
		return c.json({ versions } satisfies MessageVersions);
	});

/** `GET /?after=` relative to a room: the log after a seq, for a client that missed part of it. */
export const roomEventsRoutes = new Hono<AppEnv>()
	.use(roomIdParam, requireSession, roomReadAccess)
	.get("/", validate("query", EventsQuerySchema), async (c) => {
		return c.json(await roomStub(c.env, c.var.roomId).getEvents(c.req.valid("query").after));
	});
