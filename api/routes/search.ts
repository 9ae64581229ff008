import { Hono } from "hono";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { requireSession } from "../middleware/session";
import { validate } from "../middleware/validate";
import type { SearchResult } from "../protocol/http-api";
import { SearchQuerySchema } from "../protocol/http-api";
import { searchArchive, searchable } from "../search/archive-search";

/** `GET /api/search`: messages in every room the user may read, from the D1 archive. */
export const searchRoutes = new Hono<AppEnv>()
	.use(requireSession)
	.get("/", validate("query", SearchQuerySchema), async (c) => {
		const query = c.req.valid("query");
		if (!searchable(query.q)) return jsonError(c, 400, "bad_query", "Search for at least one letter or number.");
		const result = await searchArchive(c.env.DB, {
			userId: c.var.user.id,
			q: query.q,
			room: query.room,
			from: query.from,
			before: query.before,
			after: query.after,
			order: query.order,
			limit: Number(query.limit),
			cursor: query.cursor,
		});
		return c.json(result satisfies SearchResult);
	});
