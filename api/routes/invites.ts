import { Hono } from "hono";
import * as v from "valibot";
import { DAY_MS, settings } from "../config";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError, overQuota } from "../http-errors";
import { roomAccess } from "../middleware/room-access";
import { roomIdParam } from "../middleware/room-id";
import { requireSession } from "../middleware/session";
import { type InvitePreview, InviteTokenSchema } from "../protocol/http-api";
import { countOpenInvites, createInvite, findInviteRoom, listInvites, revokeInvite } from "../rooms/invites";
import { findRoomAccess, joinRoom, toSummary } from "../rooms/room-directory";
import { toldJoined } from "../user-inbox/inbox-events";

const INVITE_GONE = "This invite link is not valid any more. Ask for a new one.";

/** The `:token` param when it is shaped like a token; anything else is answered like an unknown one. */
const tokenParam = (raw: string): string | null => {
	const parsed = v.safeParse(InviteTokenSchema, raw);
	return parsed.success ? parsed.output : null;
};

/** `/api/rooms/:room/invites`: members manage a private room's invite links. */
export const roomInviteRoutes = new Hono<AppEnv>()
	.use(roomIdParam, requireSession, roomAccess)
	.use(async (c, next) => {
		if (c.var.room.visibility !== "private") {
			return jsonError(c, 400, "public_room", "Public rooms need no invite; share the room's link.");
		}
		// Only private rooms are left, and roomAccess lets only their members through.
		await next();
	})
	.get("/", async (c) => c.json({ invites: await listInvites(getDb(c.env.DB), c.var.room.id) }))
	.post("/", async (c) => {
		const db = getDb(c.env.DB);
		const user = c.var.user;
		const limits = settings(c.env);
		const quota = {
			perRoom: limits.OPEN_INVITES_PER_ROOM,
			perUser: user.isAnonymous ? limits.OPEN_INVITES_PER_GUEST : null,
		};
		const invite = await createInvite(db, c.var.room.id, user.id, limits.INVITE_TTL_DAYS * DAY_MS, quota);
		if (invite) return c.json(invite, 201);
		const open = await countOpenInvites(db, c.var.room.id, user.id);
		const message =
			open.all >= quota.perRoom
				? `This room has ${open.all} open invite links. Revoke some before making more.`
				: `Guests can hold ${limits.OPEN_INVITES_PER_GUEST} open invite links per room. Revoke one first.`;
		// A link frees up when one is revoked or expires; a day is when the oldest surely has.
		return overQuota(c, DAY_MS, "invite_quota", message);
	})
	.delete("/:token", async (c) => {
		const token = tokenParam(c.req.param("token"));
		const revoked = token !== null && (await revokeInvite(getDb(c.env.DB), c.var.room.id, token));
		return revoked ? c.body(null, 204) : jsonError(c, 404, "invite_not_found", "No such active invite.");
	});

/** `/api/invites/:token`: anyone signed in with the link can see where it leads and join. */
export const inviteRoutes = new Hono<AppEnv>()
	.use(requireSession)
	.get("/:token", async (c) => {
		const token = tokenParam(c.req.param("token"));
		const room = token === null ? null : await findInviteRoom(getDb(c.env.DB), token);
		if (!room) return jsonError(c, 404, "invite_not_found", INVITE_GONE);
		return c.json({ room: { id: room.id, name: room.name } } satisfies InvitePreview);
	})
	.post("/:token/accept", async (c) => {
		const db = getDb(c.env.DB);
		const token = tokenParam(c.req.param("token"));
		const room = token === null ? null : await findInviteRoom(db, token);
		if (!room) return jsonError(c, 404, "invite_not_found", INVITE_GONE);
		await joinRoom(db, room.id, c.var.user.id, { seq: room.latestSeq, n: room.latestN });
		toldJoined(c.env, c.executionCtx, c.var.user.id, room.id);
		// Read back: someone already in the room keeps their read marker and role.
		const access = await findRoomAccess(db, room.id, c.var.user.id);
		if (!access) return jsonError(c, 404, "invite_not_found", INVITE_GONE);
		return c.json(toSummary(access));
	});
