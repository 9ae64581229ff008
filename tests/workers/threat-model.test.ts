// Threats from SECURITY.md that are not covered beside a single route: forged and expired
// sessions, the per-user socket cap, and room id canonicalization.
import { env, listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "./auth-client";
import { freshRoom, roomPath } from "./room-socket";

const SESSION_COOKIE = "better-auth.session_token";
const CACHE_COOKIE = "better-auth.session_data";

async function roomCount(): Promise<number> {
	return (await listDurableObjectIds(env.CHAT_ROOM)).length;
}

function upgrade(client: TestClient, room: string): Promise<Response> {
	return client.fetch(roomPath(room), { headers: { Upgrade: "websocket", Origin: client.origin } });
}

/** Moves a session's expiry into the past everywhere Better Auth keeps it (D1 and the KV copy). */
async function expireSession(client: TestClient): Promise<void> {
	const token = decodeURIComponent(client.cookie(SESSION_COOKIE) ?? "").split(".")[0] ?? "";
	const past = new Date(Date.now() - 60_000).toISOString();
	await env.DB.prepare('UPDATE "session" SET "expiresAt" = ? WHERE "token" = ?').bind(past, token).run();
	for (const { name } of (await env.SESSION_KV.list()).keys) {
		const value = await env.SESSION_KV.get(name);
		if (!value?.includes(token)) continue;
		const entry: unknown = JSON.parse(value);
		if (typeof entry !== "object" || entry === null || !("session" in entry)) continue;
		const session = entry.session;
		if (typeof session !== "object" || session === null) continue;
		await env.SESSION_KV.put(name, JSON.stringify({ ...entry, session: { ...session, expiresAt: past } }));
	}
	// The signed cookie cache would still vouch for the session for up to a minute.
	client.dropCookie(CACHE_COOKIE);
}

describe("threat model", () => {
	it.each([
		["a made-up session token", "forged-token.c2lnbmF0dXJl"],
		[
			"a real-looking token with a wrong signature",
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D",
		],
	])("a forged session (%s) gets 401 on socket and history, and no room is started", async (_label, token) => {
		const client = new TestClient();
		client.setCookie(SESSION_COOKIE, token);
		client.setCookie(CACHE_COOKIE, "eyJzZXNzaW9uIjp7ImlkIjoiYWRtaW4ifX0");
		const before = await roomCount();
		const room = await freshRoom("forged");
		expect((await upgrade(client, room)).status).toBe(401);
		expect((await client.fetch(`/api/rooms/${room}/messages`)).status).toBe(401);
		expect(await roomCount()).toBe(before);
	});

	it("an expired session gets 401 on socket and history", async () => {
		const client = new TestClient();
		await client.signInAsGuest();
		const room = await freshRoom("expired");
		expect((await client.fetch(`/api/rooms/${room}/messages`)).status).toBe(200);
		await expireSession(client);
		expect((await upgrade(client, room)).status).toBe(401);
		expect((await client.fetch(`/api/rooms/${room}/messages`)).status).toBe(401);
	});

	it.each([
		["upper case", "General"],
		["a Cyrillic look-alike", "gеneral"],
		["percent-encoded upper case", "%47eneral"],
		["an encoded slash", "general%2Fadmin"],
		["surrounding spaces", "%20general%20"],
		["a leading dash", "-general"],
		["65 characters", "a".repeat(65)],
		["an encoded NUL", "general%00"],
	])("a room id with %s is refused with 400 and starts no room", async (_label, id) => {
		const client = new TestClient();
		await client.signInAsGuest();
		const before = await roomCount();
		const socket = await upgrade(client, id);
		const history = await client.fetch(`/api/rooms/${id}/messages`);
		expect([socket.status, history.status]).toEqual([400, 400]);
		expect(await history.json()).toMatchObject({ error: { code: "bad_room_id" } });
		expect(await roomCount()).toBe(before);
	});
});
