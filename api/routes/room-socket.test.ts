import { env, listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, openSocket, roomPath } from "../../tests/workers/room-socket";

async function roomExists(room: string): Promise<boolean> {
	const ids = await listDurableObjectIds(env.CHAT_ROOM);
	return ids.some((id) => id.equals(env.CHAT_ROOM.idFromName(room)));
}

describe("GET /api/rooms/:room/socket", () => {
	it("upgrades a signed-in client from the app's own origin", async () => {
		const client = new TestClient();
		await client.signInAsGuest();
		const socket = await openSocket(client, roomPath(await freshRoom()));
		expect((await socket.hello()).type).toBe("welcome");
	});

	it("is 401 without a session and the room is never reached", async () => {
		const room = await freshRoom("anon");
		const client = new TestClient();
		const res = await client.fetch(roomPath(room), { headers: { Upgrade: "websocket", Origin: client.origin } });
		expect(res.status).toBe(401);
		expect(res.webSocket).toBeNull();
		expect(await roomExists(room)).toBe(false);
	});

	it.each([
		["a foreign origin", "https://evil.example"],
		["a look-alike port", "http://localhost:5174"],
		["the null origin", "null"],
		["no origin", undefined],
	])("refuses %s with 403 before the room is reached", async (_label, origin) => {
		const room = await freshRoom("origin");
		const client = new TestClient();
		await client.signInAsGuest();
		const headers: Record<string, string> = { Upgrade: "websocket" };
		if (origin) headers.Origin = origin;
		const res = await client.fetch(roomPath(room), { headers });
		expect(res.status).toBe(403);
		expect(await res.json()).toEqual({
			error: { code: "forbidden_origin", message: "This origin may not open a room socket." },
		});
		expect(await roomExists(room)).toBe(false);
	});

	it("records the socket's session for the rooms it opened, and nothing for a room it was refused (one D1 batch)", async () => {
		const client = new TestClient();
		await client.signInAsGuest();
		const owner = new TestClient();
		await owner.signInAsGuest();
		const created = await owner.postJson("/api/rooms", {
			name: `hidden ${crypto.randomUUID().slice(0, 8)}`,
			visibility: "private",
		});
		const hidden = ((await created.json()) as { id: string }).id;
		const open = await freshRoom("recorded");
		const missing = `missing-${crypto.randomUUID().slice(0, 8)}`;
		const socket = await openSocket(client, roomPath(open));
		await socket.hello();
		for (const room of [hidden, missing]) {
			const res = await client.fetch(roomPath(room), { headers: { Upgrade: "websocket", Origin: client.origin } });
			expect(res.status).toBe(404);
			expect(await roomExists(room)).toBe(false);
		}
		const me = (await (await client.fetch("/api/me")).json()) as { user: { id: string } };
		const rows = await env.DB.prepare(
			"SELECT roomId FROM session_room WHERE sessionId IN (SELECT id FROM session WHERE userId = ?)",
		)
			.bind(me.user.id)
			.all<{ roomId: string }>();
		// Signing out fans out to the rooms recorded here: a refused room must not be one of them.
		expect(rows.results.map((r) => r.roomId)).toEqual([open]);
	});

	it("rejects a non-canonical room id with 400", async () => {
		const client = new TestClient();
		await client.signInAsGuest();
		const res = await client.fetch("/api/rooms/Not_A_Room/socket", {
			headers: { Upgrade: "websocket", Origin: client.origin },
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "bad_room_id" } });
	});

	it("answers a plain GET with 426", async () => {
		const client = new TestClient();
		await client.signInAsGuest();
		const res = await client.fetch(roomPath(await freshRoom()), { headers: { Origin: client.origin } });
		expect(res.status).toBe(426);
	});

	it("ignores identity headers a client sends along", async () => {
		const client = new TestClient();
		const me = await client.signInAsGuest();
		const res = await client.fetch(roomPath(await freshRoom()), {
			headers: {
				Upgrade: "websocket",
				Origin: client.origin,
				"x-parlor-connection": JSON.stringify({
					roomId: "general",
					user: { id: "admin", name: "Admin", image: null },
					sessionExpiresAt: 9e15,
				}),
			},
		});
		expect(res.status).toBe(101);
		const ws = res.webSocket;
		if (!ws) throw new Error("no socket");
		const { RoomSocket } = await import("../../tests/workers/room-socket");
		const welcome = await new RoomSocket(ws).hello();
		expect(welcome.you.id).toBe(me.id);
	});
});
