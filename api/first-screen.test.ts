import { env } from "cloudflare:test";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { TestClient } from "../tests/workers/auth-client";
import { newClientId, openSocket, roomPath, sendFrame } from "../tests/workers/room-socket";
import { bootData, jsonForScript } from "./first-screen";
import { BootDataSchema, type RoomSummary } from "./protocol/http-api";
import { roomOfPath } from "./protocol/room-id";

async function signedIn(): Promise<TestClient> {
	const client = new TestClient();
	await client.signInAsGuest();
	return client;
}

async function makeRoom(client: TestClient, visibility: "public" | "private"): Promise<string> {
	const res = await client.postJson("/api/rooms", { name: `boot ${crypto.randomUUID().slice(0, 8)}`, visibility });
	expect(res.status).toBe(201);
	return ((await res.json()) as RoomSummary).id;
}

async function say(client: TestClient, roomId: string, text: string): Promise<void> {
	const socket = await openSocket(client, roomPath(roomId));
	await socket.hello();
	socket.send(sendFrame(newClientId(), text));
	await socket.ack();
	socket.close();
}

/** The request a browser's navigation would make, with the client's cookies. */
async function navigation(client: TestClient | null, path: string): Promise<Request> {
	const headers = new Headers({ accept: "text/html" });
	if (client) {
		// TestClient.fetch adds the cookie header; borrow it from a request it would send.
		const probe = await client.fetch("/api/me");
		expect(probe.status).toBe(200);
		const cookie = client.cookieHeader();
		if (cookie) headers.set("cookie", cookie);
	}
	return new Request(`http://localhost:5173${path}`, { headers });
}

describe("the first screen's data (issue 21)", () => {
	it("names the room (and a permalink's seq) an address opens", () => {
		expect(roomOfPath("/")).toEqual({ roomId: "general" });
		expect(roomOfPath("/rooms/dev-chat")).toEqual({ roomId: "dev-chat" });
		expect(roomOfPath("/rooms/dev-chat/m/42")).toEqual({ roomId: "dev-chat", around: 42 });
		expect(roomOfPath("/rooms/%E0%A4")).toBeNull();
		expect(roomOfPath("/rooms/Not_A_Slug!")).toBeNull();
		expect(roomOfPath("/sign-in")).toBeNull();
	});

	it("gives a signed-out visitor only `user: null`", async () => {
		const data = await bootData(env, await navigation(null, "/rooms/general"), "/rooms/general");
		expect(data).toEqual({ me: { user: null, signInMethods: [] } });
	});

	it("gives a member the session, the room list and the room's newest page, as the API would", async () => {
		const owner = await signedIn();
		const roomId = await makeRoom(owner, "public");
		await say(owner, roomId, "first screen hello");
		const data = v.parse(
			BootDataSchema,
			await bootData(env, await navigation(owner, `/rooms/${roomId}`), `/rooms/${roomId}`),
		);
		expect(data.me.user?.isGuest).toBe(true);
		expect(data.rooms?.rooms.some((r) => r.id === roomId)).toBe(true);
		expect(data.history?.roomId).toBe(roomId);
		expect(data.history?.page.messages.map((m) => m.text)).toEqual(["first screen hello"]);
		const api = await (await owner.fetch(`/api/rooms/${roomId}/messages`)).json();
		expect(data.history?.page).toEqual(api);
	});

	it("embeds no history of a private room the visitor is not in", async () => {
		const owner = await signedIn();
		const roomId = await makeRoom(owner, "private");
		await say(owner, roomId, "members only");
		const stranger = await signedIn();
		const data = await bootData(env, await navigation(stranger, `/rooms/${roomId}`), `/rooms/${roomId}`);
		expect(data.history).toBeUndefined();
		expect(JSON.stringify(data)).not.toContain("members only");
	});

	it("writes JSON no message can break out of the script element with", () => {
		const text = "</script><script>alert(1)</script><!-- & \u2028";
		const html = jsonForScript({ text });
		expect(html).not.toMatch(/<|>|&/);
		expect(JSON.parse(html)).toEqual({ text });
	});
});
