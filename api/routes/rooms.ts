import { Hono } from "hono";
import { roomStub } from "../chat-room/room-stub";
import { DAY_MS, settings } from "../config";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError, overQuota } from "../http-errors";
import { roomAccess } from "../middleware/room-access";
import { roomIdParam } from "../middleware/room-id";
import { requireSession } from "../middleware/session";
import { validate } from "../middleware/validate";
import {
	ArchiveRetentionBodySchema,
	type AuditLog,
	CreateRoomBodySchema,
	MarkReadBodySchema,
	MembersQuerySchema,
	MuteBodySchema,
	type RoomDetails,
	type RoomList,
	SetRoleBodySchema,
} from "../protocol/http-api";
import { setMuted } from "../rooms/mention-records";
import { forgetRoomAccess } from "../rooms/read-access-cache";
import {
	createRoom,
	joinRoom,
	leaveRoom,
	listMembers,
	listRooms,
	markRead,
	roomsCreatedSince,
	setMemberRole,
	toSummary,
} from "../rooms/room-directory";
import { checkArchive, clearArchive } from "../search/archive-check";
import { roomActivity } from "../search/room-activity";
import { toldJoined, toldLeft, toldRead } from "../user-inbox/inbox-events";

/** `/api/rooms`: the rooms a user can see, and creating one. */
export const roomListRoutes = new Hono<AppEnv>()
	.use(requireSession)
	.get("/", async (c) => c.json({ rooms: await listRooms(getDb(c.env.DB), c.var.user.id) } satisfies RoomList))
	.post("/", validate("json", CreateRoomBodySchema), async (c) => {
		const user = c.var.user;
		const body = c.req.valid("json");
		// Each room is a Durable Object and a line in everyone's "browse": a bounded number per day.
		const limits = settings(c.env);
		const quota = Math.floor(user.isAnonymous ? limits.ROOMS_PER_GUEST_PER_DAY : limits.ROOMS_PER_USER_PER_DAY);
		const now = Date.now();
		const created = await createRoom(
			c.env.DB,
			user.id,
			body.name,
			body.visibility,
			{ limit: quota, since: now - DAY_MS },
			now,
		);
		if (!created.ok && created.reason === "quota") {
			const recent = await roomsCreatedSince(getDb(c.env.DB), user.id, now - DAY_MS);
			const message = `You can create ${quota} rooms a day${user.isAnonymous ? " as a guest" : ""}. Try again later.`;
			return overQuota(c, (recent.oldest ?? now) + DAY_MS - now, "room_quota", message);
		}
		if (!created.ok && created.reason === "no_slug") {
			return jsonError(c, 400, "bad_name", "Room names need at least one letter or digit.");
		}
		if (!created.ok) return jsonError(c, 409, "room_exists", "A public room with that name already exists.");
		toldJoined(c.env, c.executionCtx, user.id, created.room.id);
		return c.json(toSummary(created.room), 201);
	});

/** Members listed per page: fewer for a guest, whose account costs nothing to make. */
function membersPageSize(env: Env, isGuest: boolean): number {
	const limits = settings(env);
	return Math.floor(isGuest ? limits.GUEST_MEMBERS_PAGE_SIZE : limits.MEMBERS_PAGE_SIZE);
}

/** `/api/rooms/:room`: the info panel, members, joining, leaving and the read marker. */
export const roomRoutes = new Hono<AppEnv>()
	.use(roomIdParam, requireSession, roomAccess)
	.get("/", async (c) => {
		const room = c.var.room;
		const [members, stats] = await Promise.all([
			listMembers(
				getDb(c.env.DB),
				room.id,
				membersPageSize(c.env, c.var.user.isAnonymous === true),
				undefined,
				room.createdBy,
			),
			roomStub(c.env, room.id).getStats(),
		]);
		return c.json({ room: toSummary(room), members, stats } satisfies RoomDetails);
	})
	.get("/members", validate("query", MembersQuerySchema), async (c) => {
		const size = membersPageSize(c.env, c.var.user.isAnonymous === true);
		const { room } = c.var;
		const { cursor, q } = c.req.valid("query");
		return c.json(await listMembers(getDb(c.env.DB), room.id, size, cursor, room.createdBy, q?.trim() || undefined));
	})
	// Only public rooms get here without membership (roomAccess hides the rest).
	.post("/join", async (c) => {
		const room = c.var.room;
		await joinRoom(getDb(c.env.DB), room.id, c.var.user.id, { seq: room.latestSeq, n: room.latestN });
		toldJoined(c.env, c.executionCtx, c.var.user.id, room.id);
		const joined = room.lastReadSeq === null ? { ...room, lastReadSeq: room.latestSeq, lastReadN: room.latestN } : room;
		return c.json(toSummary(joined));
	})
	.post("/leave", async (c) => {
		const room = c.var.room;
		await leaveRoom(getDb(c.env.DB), room.id, c.var.user.id);
		forgetRoomAccess(room.id, c.var.user.id);
		await toldLeft(c.env, c.var.user.id, room.id);
		// A private room is closed to them from now on, open sockets included.
		if (room.visibility === "private") await roomStub(c.env, room.id).closeUser(c.var.user.id);
		return c.body(null, 204);
	})
	.put("/read", validate("json", MarkReadBodySchema), async (c) => {
		const room = c.var.room;
		if (room.lastReadSeq === null) return jsonError(c, 409, "not_member", "Join the room first.");
		const marked = await markRead(getDb(c.env.DB), room.id, c.var.user.id, c.req.valid("json"));
		toldRead(c.env, c.executionCtx, c.var.user.id, room.id, marked);
		return c.json(marked);
	})
	// The archive compared with the room, and rebuilt from it: for the owner and moderators.
	.get("/archive/check", async (c) => {
		if (c.var.room.role === "member")
			return jsonError(c, 403, "not_allowed", "Only the owner and moderators check the archive.");
		const room = c.var.room;
		return c.json(await checkArchive(c.env.DB, room.id, await roomStub(c.env, room.id).getArchiveDigest()));
	})
	.post("/archive/rebuild", async (c) => {
		if (c.var.room.role === "member")
			return jsonError(c, 403, "not_allowed", "Only the owner and moderators rebuild the archive.");
		const stub = roomStub(c.env, c.var.room.id);
		const { oldestSeq } = await stub.getArchiveDigest();
		await clearArchive(c.env.DB, c.var.room.id, oldestSeq);
		return c.json({ queued: await stub.rebuildArchive() }, 202);
	})
	// The owner decides whether the archive keeps what the room's retention removes.
	.put("/archive/retention", validate("json", ArchiveRetentionBodySchema), async (c) => {
		if (c.var.room.role !== "owner")
			return jsonError(c, 403, "not_allowed", "Only the room's owner decides what the archive keeps.");
		const { retention } = c.req.valid("json");
		return c.json(await roomStub(c.env, c.var.room.id).setArchiveRetention(retention));
	})
	// Activity over the last 30 days, read from the archive.
	.get("/activity", async (c) => c.json(await roomActivity(c.env.DB, c.var.room.id)))
	// How far search (the D1 archive) is behind this room.
	.get("/sync", async (c) => c.json(await roomStub(c.env, c.var.room.id).getSync()))
	// Muting is per member: the room stays, its badge and notifications go quiet.
	.put("/mute", validate("json", MuteBodySchema), async (c) => {
		const room = c.var.room;
		const { muted } = c.req.valid("json");
		if (!(await setMuted(getDb(c.env.DB), room.id, c.var.user.id, muted)))
			return jsonError(c, 409, "not_member", "Join the room first.");
		return c.json({ muted });
	})
	// Moderator deletions, for the owner and moderators only.
	.get("/audit", async (c) => {
		if (c.var.room.role === "member")
			return jsonError(c, 403, "not_allowed", "Only the owner and moderators read this.");
		return c.json({ entries: await roomStub(c.env, c.var.room.id).getAudit() } satisfies AuditLog);
	})
	// The owner names moderators (and takes it back); their open sockets act on it at once.
	.put("/members/:userId/role", validate("json", SetRoleBodySchema), async (c) => {
		const room = c.var.room;
		if (room.role !== "owner") return jsonError(c, 403, "not_allowed", "Only the room's owner names moderators.");
		const userId = c.req.param("userId");
		if (userId === c.var.user.id) return jsonError(c, 400, "bad_member", "The owner is already more than a moderator.");
		const { role } = c.req.valid("json");
		if (!(await setMemberRole(getDb(c.env.DB), room.id, userId, role))) {
			return jsonError(c, 404, "not_member", "That user is not a member of this room.");
		}
		await roomStub(c.env, room.id).setRole(userId, role);
		return c.json({ userId, role });
	});
