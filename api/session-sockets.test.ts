import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../tests/workers/auth-client";
import { freshRoom, openSocket, roomPath } from "../tests/workers/room-socket";
import { FANOUT_WIDTH, fanoutGroups } from "./session-sockets";

type Session = { session: { id: string; expiresAt: string } };

async function guestSession() {
	const client = new TestClient();
	const user = await client.signInAsGuest();
	const { session } = await (await client.fetch("/api/auth/get-session")).json<Session>();
	return { client, user, session };
}

/** Every KV entry, to put back later: what a location whose KV has not heard of a sign-out still holds. */
async function snapshotKv(): Promise<Array<[string, string]>> {
	const { keys } = await env.SESSION_KV.list();
	const values = await Promise.all(keys.map(async (k) => [k.name, (await env.SESSION_KV.get(k.name)) ?? ""] as const));
	return values.map(([k, v]) => [k, v]);
}

describe("a revoked session keeps no socket (issue 15.7)", () => {
	it("refuses the upgrade when D1 says the session ended, even while KV elsewhere still has it", async () => {
		const { client } = await guestSession();
		// The same cookies on another device (or in an attacker's hands), which sign-out cannot clear.
		const elsewhere = client.clone();
		const stale = await snapshotKv();
		expect((await client.postJson("/api/auth/sign-out", {})).ok).toBe(true);
		// Another location's KV has not caught up: it still serves the signed-out session.
		for (const [key, value] of stale) await env.SESSION_KV.put(key, value);
		const res = await elsewhere.fetch(roomPath(await freshRoom()), {
			headers: { Upgrade: "websocket", Origin: elsewhere.origin },
		});
		expect(res.status).toBe(401);
		expect(res.webSocket).toBeFalsy();
	});

	it("never leaves a socket open when sign-out races the upgrade", async () => {
		const room = await freshRoom();
		const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
		for (let round = 0; round < 12; round++) {
			const { client } = await guestSession();
			const [upgrade] = await Promise.all([
				pause().then(() => client.fetch(roomPath(room), { headers: { Upgrade: "websocket", Origin: client.origin } })),
				pause().then(() => client.postJson("/api/auth/sign-out", {})),
			]);
			if (upgrade.status === 101 && upgrade.webSocket) {
				const ws = upgrade.webSocket;
				const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
				ws.accept();
				expect(await closed).toBe(1008);
			} else {
				expect(upgrade.status).toBe(401);
			}
		}
		expect(await runInDurableObject(env.CHAT_ROOM.getByName(room), (_i, state) => state.getWebSockets().length)).toBe(
			0,
		);
	});

	it("closes a session's sockets in more rooms than one invocation tells directly", async () => {
		const rooms = await Promise.all(Array.from({ length: FANOUT_WIDTH + 5 }, () => freshRoom("fan")));
		const client = new TestClient();
		await client.signInAsGuest();
		const sockets = [];
		for (const room of rooms) sockets.push(await openSocket(client, roomPath(room)));
		expect((await client.postJson("/api/auth/sign-out", {})).ok).toBe(true);
		const codes = await Promise.all(sockets.map(async (s) => (await s.closed).code));
		expect(codes).toEqual(rooms.map(() => 1008));
	});
});

describe("fanoutGroups", () => {
	it("reaches every room with no invocation calling more than the width", () => {
		for (const count of [0, 1, 24, 25, 26, 300, 5000]) {
			const rooms = Array.from({ length: count }, (_, i) => `r${i}`);
			const reached: string[] = [];
			let widest = 0;
			const visit = (list: string[]) => {
				const groups = fanoutGroups(list);
				widest = Math.max(widest, groups.length);
				for (const { head, relay } of groups) {
					reached.push(head);
					visit(relay);
				}
			};
			visit(rooms);
			expect(reached.sort()).toEqual([...rooms].sort());
			expect(widest).toBeLessThanOrEqual(FANOUT_WIDTH);
		}
	});
});
