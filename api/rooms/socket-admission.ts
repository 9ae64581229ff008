import type { CompiledQuery } from "kysely";
import { getDb } from "../db";
import { type AccessRow, accessFromRow, type RoomAccess, roomAccessQuery } from "./room-directory";

/**
 * What the Worker asks D1 before a room socket opens, in one round trip: a D1 batch runs its
 * statements in order, in one transaction. First the room as the user may see it; then the
 * socket's session recorded against the room, only where that access holds (so a session cannot
 * be made to fan its sign-out out to rooms it never reached); then whether the session is still
 * alive. Recording before reading keeps the guarantee `session-sockets.ts` relies on: a sign-out
 * that lands before the batch is seen by it, and one that lands after finds the record and
 * closes the socket. 100 clients reconnecting after a deploy queue on D1: one trip each, not four.
 */
export async function admitRoomSocket(
	env: Env,
	roomId: string,
	userId: string,
	sessionId: string,
	now = Date.now(),
): Promise<{ access: RoomAccess | null; alive: boolean }> {
	const db = getDb(env.DB);
	const record = db
		.insertInto("session_room")
		.columns(["sessionId", "roomId", "connectedAt"])
		.expression((eb) =>
			eb
				.selectFrom("room")
				.leftJoin("room_member", (join) =>
					join.onRef("room_member.roomId", "=", "room.id").on("room_member.userId", "=", userId),
				)
				.select([eb.val(sessionId).as("sessionId"), "room.id", eb.val(now).as("connectedAt")])
				.where("room.id", "=", roomId)
				.where((w) => w.or([w("room.visibility", "=", "public"), w("room_member.userId", "is not", null)])),
		)
		.onConflict((oc) => oc.columns(["sessionId", "roomId"]).doUpdateSet({ connectedAt: now }));
	const queries: CompiledQuery[] = [
		roomAccessQuery(db, roomId, userId).compile(),
		record.compile(),
		db.selectFrom("session").select("expiresAt").where("id", "=", sessionId).compile(),
		db.selectFrom("revoked_session").select("sessionId").where("sessionId", "=", sessionId).compile(),
	];
	const [access, , session, revoked] = await env.DB.batch(
		queries.map((q) => env.DB.prepare(q.sql).bind(...q.parameters)),
	);
	// Rows of the queries above, typed as Kysely would have typed them.
	const row = access?.results[0] as AccessRow | undefined;
	const expiresAt = (session?.results[0] as { expiresAt: string | number } | undefined)?.expiresAt;
	const alive = expiresAt !== undefined && (revoked?.results.length ?? 0) === 0 && new Date(expiresAt).getTime() > now;
	return { access: accessFromRow(row, userId), alive };
}
