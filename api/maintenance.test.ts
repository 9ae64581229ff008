import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../tests/workers/auth-client";
import { freshRoom, openSocket, roomPath } from "../tests/workers/room-socket";
import { DAY_MS, SETTINGS } from "./config";
import worker from "./index";

const iso = (ms: number) => new Date(ms).toISOString();
const count = async (sql: string, ...args: unknown[]) =>
	(
		await env.DB.prepare(sql)
			.bind(...args)
			.first<{ n: number }>()
	)?.n ?? 0;

describe("the hourly maintenance (issue 15.15)", () => {
	it("tells a room again of a session that ended while the room could not be reached", async () => {
		const room = await freshRoom("missed");
		const client = new TestClient();
		await client.signInAsGuest();
		const socket = await openSocket(client, roomPath(room));
		await socket.hello();
		const { session } = await (await client.fetch("/api/auth/get-session")).json<{ session: { id: string } }>();
		// The sign-out's call to this room failed: the revocation is on record, the room's row kept.
		await env.DB.prepare("INSERT INTO revoked_session (sessionId, expiresAt, revokedAt) VALUES (?, ?, ?)")
			.bind(session.id, Date.now() + DAY_MS, Date.now())
			.run();
		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env, ctx);
		await waitOnExecutionContext(ctx);
		expect((await socket.closed).code).toBe(1008);
		expect(await count("SELECT COUNT(*) AS n FROM session_room WHERE sessionId = ?", session.id)).toBe(0);
	});

	it("removes stale guests, ended sessions' socket records, expired invites and revocations, and nothing else", async () => {
		const now = Date.now();
		const old = now - (SETTINGS.STALE_GUEST_DAYS + 1) * DAY_MS;
		const room = await freshRoom("cron");

		// A guest nobody has used for longer than the limit, and one signed in today.
		const stale = new TestClient();
		const staleUser = await stale.signInAsGuest();
		await env.DB.prepare("UPDATE user SET createdAt = ? WHERE id = ?").bind(iso(old), staleUser.id).run();
		await env.DB.prepare("UPDATE session SET createdAt = ?, updatedAt = ?, expiresAt = ? WHERE userId = ?")
			.bind(iso(old), iso(old), iso(old + 7 * DAY_MS), staleUser.id)
			.run();
		await env.DB.prepare("INSERT INTO room_member (roomId, userId, joinedAt) VALUES (?, ?, ?)")
			.bind(room, staleUser.id, old)
			.run();
		const fresh = new TestClient();
		const freshUser = await fresh.signInAsGuest();

		// A socket record whose session is gone, and one whose session is live.
		const freshSession = await env.DB.prepare("SELECT id FROM session WHERE userId = ?")
			.bind(freshUser.id)
			.first<{ id: string }>();
		await env.DB.prepare("INSERT INTO session_room (sessionId, roomId, connectedAt) VALUES (?, ?, ?), (?, ?, ?)")
			.bind("ended-session", room, old, freshSession?.id, room, now)
			.run();
		// An expired invite and a live one; an expired revocation and a live one.
		await env.DB.prepare(
			"INSERT INTO room_invite (token, roomId, createdBy, createdAt, revokedAt, expiresAt) VALUES (?, ?, NULL, ?, NULL, ?), (?, ?, NULL, ?, NULL, ?)",
		)
			.bind("expired-invite", room, old, old + DAY_MS, "live-invite", room, now, now + DAY_MS)
			.run();
		await env.DB.prepare("INSERT INTO revoked_session (sessionId, expiresAt, revokedAt) VALUES (?, ?, ?), (?, ?, ?)")
			.bind("old-revocation", old, old, "live-revocation", now + DAY_MS, now)
			.run();

		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env, ctx);
		await waitOnExecutionContext(ctx);

		expect(await count("SELECT COUNT(*) AS n FROM user WHERE id = ?", staleUser.id)).toBe(0);
		expect(await count("SELECT COUNT(*) AS n FROM session WHERE userId = ?", staleUser.id)).toBe(0);
		expect(await count("SELECT COUNT(*) AS n FROM room_member WHERE userId = ?", staleUser.id)).toBe(0);
		expect(await count("SELECT COUNT(*) AS n FROM user WHERE id = ?", freshUser.id)).toBe(1);
		expect(await count("SELECT COUNT(*) AS n FROM session_room WHERE sessionId = 'ended-session'")).toBe(0);
		expect(await count("SELECT COUNT(*) AS n FROM session_room WHERE sessionId = ?", freshSession?.id)).toBe(1);
		expect(await count("SELECT COUNT(*) AS n FROM room_invite WHERE token = 'expired-invite'")).toBe(0);
		expect(await count("SELECT COUNT(*) AS n FROM room_invite WHERE token = 'live-invite'")).toBe(1);
		expect(await count("SELECT COUNT(*) AS n FROM revoked_session WHERE sessionId = 'old-revocation'")).toBe(0);
		expect(await count("SELECT COUNT(*) AS n FROM revoked_session WHERE sessionId = 'live-revocation'")).toBe(1);
		// The fresh guest still works.
		expect((await fresh.fetch("/api/me")).status).toBe(200);
	});
});
