import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import type { ChatRoomDurableObject } from "./ChatRoomDurableObject";

const stubFor = (room: string) => env.CHAT_ROOM.getByName(room) as DurableObjectStub<ChatRoomDurableObject>;

async function guestSocket(room: string) {
	const client = new TestClient();
	await client.signInAsGuest();
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	return { client, socket };
}

describe("sockets end with their session", () => {
	it("arms the room's alarm for the session's expiry when a socket opens", async () => {
		const room = await freshRoom();
		const { client } = await guestSocket(room);
		const session: { session: { expiresAt: string } } = await (await client.fetch("/api/auth/get-session")).json();
		const alarm = await runInDurableObject(stubFor(room), (_i, state) => state.storage.getAlarm());
		expect(alarm).toBe(new Date(session.session.expiresAt).getTime());
	});

	it("closes a silent socket with 1008 when its session expires, and keeps the others", async () => {
		const room = await freshRoom();
		const expiring = await guestSocket(room);
		const staying = await guestSocket(room);
		// Pretend the first session ends now: rewrite its attachment as the Worker would have set it.
		const expiringId = (await expiring.client.fetch("/api/me").then((r) => r.json<{ user: { id: string } }>())).user.id;
		await runInDurableObject(stubFor(room), (_i, state) => {
			for (const ws of state.getWebSockets(`user:${expiringId}`)) {
				ws.serializeAttachment({ ...ws.deserializeAttachment(), sessionExpiresAt: Date.now() - 1 });
			}
		});
		// Hibernate so the room reads the rewritten attachment instead of its in-memory copy.
		await evictDurableObject(stubFor(room), { webSockets: "hibernate" });
		expect(await runDurableObjectAlarm(stubFor(room))).toBe(true);
		const closed = await Promise.race([
			expiring.socket.closed.then((c) => ({ who: "expiring", ...c })),
			staying.socket.closed.then((c) => ({ who: "staying", ...c })),
		]);
		expect(closed).toMatchObject({ who: "expiring", code: 1008 });
		expect(await runInDurableObject(stubFor(room), (_i, state) => state.getWebSockets().length)).toBe(1);
		const alarm = await runInDurableObject(stubFor(room), (_i, state) => state.storage.getAlarm());
		expect(alarm).toBeGreaterThan(Date.now());
	});

	it("closes all of a session's sockets, in every room, when it signs out", async () => {
		const rooms = [await freshRoom(), await freshRoom()];
		const client = new TestClient();
		await client.signInAsGuest();
		const sockets = await Promise.all(rooms.map((room) => openSocket(client, roomPath(room))));
		for (const socket of sockets) await socket.hello();
		const other = await guestSocket(rooms[0] ?? "");

		const res = await client.postJson("/api/auth/sign-out", {});
		expect(res.ok).toBe(true);
		// Closed by the sign-out itself (the alarm would take until the session's expiry, days away).
		const closes = await Promise.all(sockets.map((s) => s.closed));
		expect(closes.map((c) => c.code)).toEqual([1008, 1008]);
		// Someone else's socket in the same room carries on.
		other.socket.send(sendFrame(newClientId(), "still here"));
		expect((await other.socket.ack()).seq).toBe(1);
	});

	it("refuses an upgrade on a revoked session even while its cookie cache is still valid", async () => {
		const client = new TestClient();
		await client.signInAsGuest();
		const stolen = client.clone();
		expect((await client.postJson("/api/auth/sign-out", {})).ok).toBe(true);
		// The stolen copy still holds the signed session-data cookie that spares a lookup for 60 s.
		expect(stolen.hasCookie("better-auth.session_data")).toBe(true);
		const res = await stolen.fetch(roomPath(await freshRoom()), {
			headers: { Upgrade: "websocket", Origin: stolen.origin },
		});
		expect(res.status).toBe(401);
	});
});
