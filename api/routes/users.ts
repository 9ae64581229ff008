import { Hono } from "hono";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { requireSession } from "../middleware/session";
import type { UserProfile } from "../protocol/http-api";

/**
 * `GET /api/users/:id`: another person as the people who share a room with them see them: name,
 * picture, whether they are a guest, when they joined. Anyone else gets the same 404 as for a
 * user who does not exist, so ids cannot be used to look people up.
 */
export const userRoutes = new Hono<AppEnv>().use(requireSession).get("/:id", async (c) => {
	const viewer = c.var.user.id;
	const id = c.req.param("id").slice(0, 64);
	const row = await getDb(c.env.DB)
		.selectFrom("user")
		.select(["user.id", "user.name", "user.image", "user.isAnonymous", "user.createdAt"])
		.where("user.id", "=", id)
		.where(({ or, eb, exists, selectFrom }) =>
			or([
				eb("user.id", "=", viewer),
				exists(
					selectFrom("room_member as theirs")
						.innerJoin("room_member as mine", "mine.roomId", "theirs.roomId")
						.select("theirs.roomId")
						.whereRef("theirs.userId", "=", "user.id")
						.where("mine.userId", "=", viewer),
				),
			]),
		)
		.executeTakeFirst();
	if (!row) return jsonError(c, 404, "user_not_found", "No such person in your rooms.");
	return c.json({
		id: row.id,
		name: row.name,
		image: row.image,
		guest: row.isAnonymous === 1,
		joinedAt: new Date(row.createdAt).getTime(),
	} satisfies UserProfile);
});
