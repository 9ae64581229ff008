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
