import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import { SETTINGS } from "../config";
import type { MemberPage, RoomDetails, RoomList, RoomSummary } from "../protocol/http-api";

const unique = () => crypto.randomUUID().slice(0, 8);

async function create(client: TestClient, name: string, visibility: "public" | "private" = "public") {
	return client.postJson("/api/rooms", { name, visibility });
}

async function expectQuota(res: Response, code: string) {
	expect(res.status).toBe(429);
	expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
	const body = await res.json<{ error: { code: string; message: string } }>();
	expect(body.error.code).toBe(code);
	expect(body.error.message.length).toBeGreaterThan(10);
}

describe("quotas on what costs others (issue 15.10)", () => {
	it("lets one address make a bounded number of guests an hour, an IPv6 /64 counting as one address", async () => {
		const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
		for (let i = 0; i < SETTINGS.GUEST_SIGNINS_PER_IP_PER_HOUR; i++) {
			await new TestClient(undefined, `${prefix}::${(i + 1).toString(16)}`).signInAsGuest();
		}
		const next = await new TestClient(undefined, `${prefix}::ffff`).postJson("/api/auth/sign-in/anonymous", {});
		expect(next.status).toBe(429);
		expect(Number(next.headers.get("retry-after"))).toBeGreaterThan(0);
		// Someone on another network is not affected.
		await new TestClient(undefined, `2001:db8:ffff:${unique().slice(0, 4)}::1`).signInAsGuest();
	});

	it("lets a guest create five rooms a day, and says when the next one can be made", async () => {
		const guest = new TestClient();
		await guest.signInAsGuest();
		for (let i = 0; i < SETTINGS.ROOMS_PER_GUEST_PER_DAY; i++) {
			expect((await create(guest, `guest room ${unique()}`)).status).toBe(201);
		}
		await expectQuota(await create(guest, `one too many ${unique()}`), "room_quota");
		await expectQuota(await create(guest, `private too ${unique()}`, "private"), "room_quota");
	});

	it("holds the room quota when the requests arrive all at once", async () => {
		const guest = new TestClient();
		await guest.signInAsGuest();
		const burst = await Promise.all(Array.from({ length: 12 }, () => create(guest, `race ${unique()}`)));
		expect(burst.filter((r) => r.status === 201)).toHaveLength(SETTINGS.ROOMS_PER_GUEST_PER_DAY);
		expect(burst.filter((r) => r.status === 429)).toHaveLength(12 - SETTINGS.ROOMS_PER_GUEST_PER_DAY);
	});

	it("holds the invite quota when the requests arrive all at once", async () => {
		const guest = new TestClient();
		await guest.signInAsGuest();
		const room = await (await create(guest, `p ${unique()}`, "private")).json<RoomSummary>();
		const burst = await Promise.all(
			Array.from({ length: 20 }, () => guest.fetch(`/api/rooms/${room.id}/invites`, { method: "POST" })),
		);
		expect(burst.filter((r) => r.status === 201)).toHaveLength(SETTINGS.OPEN_INVITES_PER_GUEST);
	});

	it("lets an account create twenty rooms a day", async () => {
		const user = new TestClient();
		await user.signUpVerified(`rooms-${unique()}@example.com`, "a long password", "Builder");
		for (let i = 0; i < SETTINGS.ROOMS_PER_USER_PER_DAY; i++) {
			expect((await create(user, `acct room ${unique()}`)).status).toBe(201);
		}
		await expectQuota(await create(user, `acct extra ${unique()}`), "room_quota");
	});

	it("caps a room's open invite links, more tightly for a guest", async () => {
		const guest = new TestClient();
		await guest.signInAsGuest();
		const guestRoom = await (await create(guest, `g ${unique()}`, "private")).json<RoomSummary>();
		for (let i = 0; i < SETTINGS.OPEN_INVITES_PER_GUEST; i++) {
			expect((await guest.fetch(`/api/rooms/${guestRoom.id}/invites`, { method: "POST" })).status).toBe(201);
		}
		await expectQuota(await guest.fetch(`/api/rooms/${guestRoom.id}/invites`, { method: "POST" }), "invite_quota");

		const owner = new TestClient();
		await owner.signUpVerified(`invites-${unique()}@example.com`, "a long password", "Host");
		const room = await (await create(owner, `i ${unique()}`, "private")).json<RoomSummary>();
		const made = await Promise.all(
			Array.from({ length: SETTINGS.OPEN_INVITES_PER_ROOM }, () =>
				owner.fetch(`/api/rooms/${room.id}/invites`, { method: "POST" }),
			),
		);
		expect(made.every((r) => r.status === 201)).toBe(true);
		await expectQuota(await owner.fetch(`/api/rooms/${room.id}/invites`, { method: "POST" }), "invite_quota");
		// Revoking one makes room for one more.
		const { token } = (await made[0]?.json<{ token: string }>()) ?? { token: "" };
		expect((await owner.fetch(`/api/rooms/${room.id}/invites/${token}`, { method: "DELETE" })).status).toBe(204);
		expect((await owner.fetch(`/api/rooms/${room.id}/invites`, { method: "POST" })).status).toBe(201);
	});

	it("stops an invite link working once it expires", async () => {
		const owner = new TestClient();
		await owner.signInAsGuest();
		const room = await (await create(owner, `exp ${unique()}`, "private")).json<RoomSummary>();
		const { token } = await (await owner.fetch(`/api/rooms/${room.id}/invites`, { method: "POST" })).json<{
			token: string;
			expiresAt: number;
		}>();
		await env.DB.prepare("UPDATE room_invite SET expiresAt = ? WHERE token = ?")
			.bind(Date.now() - 1, token)
			.run();
		const stranger = new TestClient();
		await stranger.signInAsGuest();
		expect((await stranger.fetch(`/api/invites/${token}`)).status).toBe(404);
		expect((await stranger.fetch(`/api/invites/${token}/accept`, { method: "POST" })).status).toBe(404);
	});

	it("lists members a page at a time, smaller pages for a guest", async () => {
		const owner = new TestClient();
		await owner.signUpVerified(`members-${unique()}@example.com`, "a long password", "Owner");
		const room = await (await create(owner, `crowd ${unique()}`)).json<RoomSummary>();
		const guests = Array.from({ length: 59 }, () => new TestClient());
		for (const guest of guests) {
			await guest.signInAsGuest();
			await guest.fetch(`/api/rooms/${room.id}/join`, { method: "POST" });
		}
		const asOwner = await (await owner.fetch(`/api/rooms/${room.id}`)).json<RoomDetails>();
		expect(asOwner.members.members).toHaveLength(60);
		expect(asOwner.members.next).toBeNull();

		const viewer = guests[0] ?? owner;
		const first = await (await viewer.fetch(`/api/rooms/${room.id}`)).json<RoomDetails>();
		expect(first.members.members).toHaveLength(SETTINGS.GUEST_MEMBERS_PAGE_SIZE);
		const cursor = first.members.next ?? "";
		const second = await (
			await viewer.fetch(`/api/rooms/${room.id}/members?cursor=${encodeURIComponent(cursor)}`)
		).json<MemberPage>();
		expect(second.members).toHaveLength(60 - SETTINGS.GUEST_MEMBERS_PAGE_SIZE);
		expect(second.next).toBeNull();
		const all = [...first.members.members, ...second.members];
		expect(new Set(all.map((m) => m.id)).size).toBe(60);
		// Guests are marked as guests; the owner's account is not.
		expect(all.filter((m) => !m.guest).map((m) => m.name)).toEqual(["Owner"]);
	});

	it("offers public rooms to browse by activity, so a flood of cleverly named empty rooms cannot hide a live one", async () => {
		const tag = unique();
		const spammer = new TestClient();
		await spammer.signInAsGuest();
		for (let i = 0; i < 3; i++) expect((await create(spammer, `000 ${tag} ${i}`)).status).toBe(201);
		const host = new TestClient();
		await host.signInAsGuest();
		const live = await (await create(host, `zzz live ${tag}`)).json<RoomSummary>();
		const socket = await openSocket(host, roomPath(live.id));
		await socket.hello();
		socket.send(sendFrame(newClientId(), "we are here"));
		await socket.ack();

		const visitor = new TestClient();
		await visitor.signInAsGuest();
		// The room copies its latest message to D1 a moment after storing it.
		await expect
			.poll(async () => {
				const { rooms } = await (await visitor.fetch("/api/rooms")).json<RoomList>();
				return rooms.filter((r) => !r.member && r.name.includes(tag)).map((r) => r.name)[0];
			})
			.toBe(`zzz live ${tag}`);
	});

	it("refuses a room name with control or text-direction characters", async () => {
		const client = new TestClient();
		await client.signInAsGuest();
		for (const name of [`evil\u202Eroom ${unique()}`, `bell\u0007 ${unique()}`]) {
			const res = await create(client, name);
			expect(res.status).toBe(400);
			expect(await res.json()).toMatchObject({ error: { code: "bad_body" } });
		}
	});
});
