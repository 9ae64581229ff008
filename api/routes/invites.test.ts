import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { openSocket, roomPath } from "../../tests/workers/room-socket";
import type { Invite, RoomSummary } from "../protocol/http-api";

async function guest() {
	const client = new TestClient();
	await client.signInAsGuest();
	return client;
}

async function privateRoom(owner: TestClient): Promise<RoomSummary> {
	const res = await owner.postJson("/api/rooms", {
		name: `team ${crypto.randomUUID().slice(0, 8)}`,
		visibility: "private",
	});
	return res.json();
}

async function invite(owner: TestClient, roomId: string): Promise<Invite> {
	const res = await owner.fetch(`/api/rooms/${roomId}/invites`, { method: "POST" });
	expect(res.status).toBe(201);
	return res.json();
}

describe("invite links", () => {
	it("let someone with the link see the room's name, join it, and open its socket", async () => {
		const owner = await guest();
		const room = await privateRoom(owner);
		const { token } = await invite(owner, room.id);
		expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);

		const friend = await guest();
		expect((await friend.fetch(`/api/rooms/${room.id}/messages`)).status).toBe(404);
		const preview = await friend.fetch(`/api/invites/${token}`);
		expect(await preview.json()).toEqual({ room: { id: room.id, name: room.name } });
		const accepted = await friend.fetch(`/api/invites/${token}/accept`, { method: "POST" });
		expect(accepted.status).toBe(200);
		expect(await accepted.json()).toMatchObject({ id: room.id, member: true, visibility: "private" });
		const socket = await openSocket(friend, roomPath(room.id));
		expect((await socket.hello()).roomId).toBe(room.id);
	});

	it("stop working once revoked, for anyone who has not used them yet", async () => {
		const owner = await guest();
		const room = await privateRoom(owner);
		const { token } = await invite(owner, room.id);
		const listed = await owner.fetch(`/api/rooms/${room.id}/invites`);
		expect(((await listed.json()) as { invites: Invite[] }).invites.map((i) => i.token)).toEqual([token]);

		const revoked = await owner.fetch(`/api/rooms/${room.id}/invites/${token}`, { method: "DELETE" });
		expect(revoked.status).toBe(204);
		const late = await guest();
		expect((await late.fetch(`/api/invites/${token}`)).status).toBe(404);
		expect((await late.fetch(`/api/invites/${token}/accept`, { method: "POST" })).status).toBe(404);
		expect((await late.fetch(`/api/rooms/${room.id}/messages`)).status).toBe(404);
		const again = await owner.fetch(`/api/rooms/${room.id}/invites/${token}`, { method: "DELETE" });
		expect(again.status).toBe(404);
	});

	it("cannot be made by non-members or for public rooms, and unknown tokens are 404", async () => {
		const owner = await guest();
		const room = await privateRoom(owner);
		const stranger = await guest();
		expect((await stranger.fetch(`/api/rooms/${room.id}/invites`, { method: "POST" })).status).toBe(404);
		expect((await owner.fetch("/api/rooms/general/invites", { method: "POST" })).status).toBe(400);
		expect((await stranger.fetch("/api/invites/not-a-real-token")).status).toBe(404);
		expect((await stranger.fetch(`/api/invites/${"A".repeat(22)}`)).status).toBe(404);
		expect((await stranger.fetch(`/api/invites/${"x".repeat(5000)}/accept`, { method: "POST" })).status).toBe(404);
	});

	it("cannot be accepted from another site", async () => {
		const owner = await guest();
		const room = await privateRoom(owner);
		const { token } = await invite(owner, room.id);
		const victim = await guest();
		const res = await victim.fetch(`/api/invites/${token}/accept`, {
			method: "POST",
			headers: { origin: "https://evil.example" },
		});
		expect(res.status).toBe(403);
	});
});
