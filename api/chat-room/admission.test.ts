import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, openSocket, roomPath } from "../../tests/workers/room-socket";
import { CLOSE_DISPLACED } from "../protocol/room-protocol";
import { roomUpgradeRequest } from "./room-handshake";

type Session = { session: { id: string; expiresAt: string } };

async function guestSession() {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	const { session } = await (await client.fetch("/api/auth/get-session")).json<Session>();
	return { client, user, session };
}

describe("admission", () => {
	it("caps one user's open sockets per room at ROOM_SOCKETS_PER_USER (10): the newest gets in, the oldest is closed with 4001", async () => {
		const room = await freshRoom("cap");
		const client = new TestClient();
		await client.signInAsGuest();
		const sockets = [];
		for (let i = 0; i < 10; i++) {
			const socket = await openSocket(client, roomPath(room));
			await socket.hello();
			sockets.push(socket);
		}
		const newest = await openSocket(client, roomPath(room));
		expect((await newest.hello()).type).toBe("welcome");
		expect(await sockets[0]?.closed).toMatchObject({ code: CLOSE_DISPLACED });
		const open = await runInDurableObject(env.CHAT_ROOM.getByName(room), (_i, state) => state.getWebSockets().length);
		expect(open).toBe(10);

		// Someone else is not affected by that user's sockets.
		const other = new TestClient();
		await other.signInAsGuest();
		const theirs = await openSocket(other, roomPath(room));
		expect((await theirs.hello()).type).toBe("welcome");
		for (const s of [...sockets, newest, theirs]) s.close();
	});

	it("has the room refuse a session it was told has ended, whatever reaches it after", async () => {
		const room = await freshRoom();
		const { user, session } = await guestSession();
		const expiresAt = new Date(session.expiresAt).getTime();
		const stub = env.CHAT_ROOM.getByName(room);
		await stub.revokeSession(session.id, expiresAt);
		const upgrade = roomUpgradeRequest({
			roomId: room,
			user: { id: user.id, name: user.name, image: null, guest: true },
			sessionId: session.id,
			sessionExpiresAt: expiresAt,
			role: "member",
		});
		expect((await stub.fetch(upgrade)).status).toBe(401);
		expect(await runInDurableObject(stub, (_i, state) => state.getWebSockets().length)).toBe(0);
	});
});
