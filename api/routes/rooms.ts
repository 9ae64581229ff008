import { Hono } from "hono";
import * as v from "valibot";
import { roomStub } from "../chat-room/room-stub";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { roomAccess } from "../middleware/room-access";
import { requireSession } from "../middleware/session";
import { CreateRoomBodySchema, MarkReadBodySchema, type RoomDetails, type RoomList } from "../protocol/http-api";
import { createRoom, joinRoom, leaveRoom, listMembers, listRooms, markRead, toSummary } from "../rooms/room-directory";

async function readJson(req: Request): Promise<unknown> {
	try {
		return await req.json();
	} catch {
		return undefined;
	}
}

/** `/api/rooms`: the rooms a user can see, and creating one. */
export const roomListRoutes = new Hono<AppEnv>()
	.use(requireSession)
	.get("/", async (c) => {
		const user = c.var.user;
		if (!user) throw new Error("requireSession let an anonymous request through");
		return c.json({ rooms: await listRooms(getDb(c.env.DB), user.id) } satisfies RoomList);
	})
	.post("/", async (c) => {
		const user = c.var.user;
		if (!user) throw new Error("requireSession let an anonymous request through");
		const body = v.safeParse(CreateRoomBodySchema, await readJson(c.req.raw));
		if (!body.success) return jsonError(c, 400, "bad_body", body.issues[0].message);
		const created = await createRoom(getDb(c.env.DB), user.id, body.output.name, body.output.visibility);
		if (!created.ok && created.reason === "no_slug") {
			return jsonError(c, 400, "bad_name", "Room names need at least one letter or digit.");
		}
		if (!created.ok) return jsonError(c, 409, "room_exists", "A public room with that name already exists.");
		return c.json(toSummary(created.room), 201);
	});

/** `/api/rooms/:room`: the info panel, joining, leaving and the read marker. */
export const roomRoutes = new Hono<AppEnv>()
	.use(requireSession, roomAccess)
	.get("/", async (c) => {
		const room = c.var.room;
		const [members, stats] = await Promise.all([
			listMembers(getDb(c.env.DB), room.id),
			roomStub(c.env, room.id).getStats(),
		]);
		return c.json({ room: toSummary(room), members, stats } satisfies RoomDetails);
	})
	// Only public rooms get here without membership (roomAccess hides the rest).
	.post("/join", async (c) => {
		const user = c.var.user;
		if (!user) throw new Error("requireSession let an anonymous request through");
		const room = c.var.room;
		await joinRoom(getDb(c.env.DB), room.id, user.id, room.latestSeq);
		return c.json(toSummary({ ...room, lastReadSeq: room.lastReadSeq ?? room.latestSeq }));
	})
	.post("/leave", async (c) => {
		const user = c.var.user;
		if (!user) throw new Error("requireSession let an anonymous request through");
		const room = c.var.room;
		await leaveRoom(getDb(c.env.DB), room.id, user.id);
		// A private room is closed to them from now on, open sockets included.
		if (room.visibility === "private") await roomStub(c.env, room.id).closeUser(user.id);
		return c.body(null, 204);
	})
	.put("/read", async (c) => {
		const user = c.var.user;
		if (!user) throw new Error("requireSession let an anonymous request through");
		const room = c.var.room;
		if (room.lastReadSeq === null) return jsonError(c, 409, "not_member", "Join the room first.");
		const body = v.safeParse(MarkReadBodySchema, await readJson(c.req.raw));
		if (!body.success) return jsonError(c, 400, "bad_body", body.issues[0].message);
		const lastReadSeq = await markRead(getDb(c.env.DB), room.id, user.id, body.output.seq);
		return c.json({ lastReadSeq });
	});
