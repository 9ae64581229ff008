import { env } from "cloudflare:workers";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { decide, finishSignIn, signInWith } from "../../tests/workers/oauth-flow";
import { MeResponseSchema } from "../protocol/http-api";

async function me(client: TestClient) {
	const res = await client.fetch("/api/me");
	return res.ok ? v.parse(MeResponseSchema, await res.json()).user : null;
}

const unique = () => crypto.randomUUID().slice(0, 8);

describe("email accounts", () => {
	// Issue 15.12: sign-up errors used to say which addresses have accounts.
	it("answers a sign-up the same whether or not the address is taken, and signs nobody in", async () => {
		const email = `taken-${unique()}@example.com`;
		const first = new TestClient();
		const second = new TestClient();
		const a = await first.postJson("/api/auth/sign-up/email", { email, password: "first password", name: "First" });
		const b = await second.postJson("/api/auth/sign-up/email", { email, password: "other password", name: "Second" });
		expect([a.status, b.status]).toEqual([200, 200]);
		const [bodyA, bodyB] = [await a.json<Record<string, unknown>>(), await b.json<Record<string, unknown>>()];
		const shape = (body: Record<string, unknown>) => ({
			keys: Object.keys(body).sort(),
			token: body.token,
			user: Object.keys(body.user as object).sort(),
		});
		expect(shape(bodyB)).toEqual(shape(bodyA));
		expect(bodyA.token).toBeNull();
		expect(await me(first)).toBeNull();
		expect(await me(second)).toBeNull();
		// Only the first sign-up's owner gets a link; the second address holder learns nothing new.
		expect(await first.mailbox(email)).toHaveLength(1);
	});

	it("does not sign in an address nobody confirmed, and mails a new link instead", async () => {
		const email = `unconfirmed-${unique()}@example.com`;
		const client = new TestClient();
		await client.postJson("/api/auth/sign-up/email", { email, password: "some password", name: "Una" });
		const res = await client.postJson("/api/auth/sign-in/email", { email, password: "some password" });
		expect(res.status).toBe(403);
		expect(await me(client)).toBeNull();
		expect((await client.mailbox(email)).length).toBe(2);
	});

	it("resets a forgotten password through the mailed link; the old password and its sessions end", async () => {
		const email = `forgot-${unique()}@example.com`;
		const owner = new TestClient();
		await owner.signUpVerified(email, "old password", "Forgetful");
		const asker = new TestClient();
		const asked = await asker.postJson("/api/auth/request-password-reset", { email, redirectTo: "/reset-password" });
		expect(asked.status).toBe(200);
		const link = await asker.linkFromMail(email, /Reset your Parlor password/);
		const landing = await asker.fetch(link, { redirect: "manual" });
		const token = new URL(landing.headers.get("location") ?? "", "http://x").searchParams.get("token");
		expect(token).toBeTruthy();
		const reset = await asker.postJson("/api/auth/reset-password", { newPassword: "new password", token });
		expect(reset.status).toBe(200);
		const oldTry = await new TestClient().postJson("/api/auth/sign-in/email", { email, password: "old password" });
		expect(oldTry.status).toBe(401);
		const newTry = new TestClient();
		expect((await newTry.postJson("/api/auth/sign-in/email", { email, password: "new password" })).status).toBe(200);
		expect(await me(owner)).toBeNull();
	});
});

describe("the owner of an address wins", () => {
	// Issue 15.12: registering someone's address with a password blocked their provider sign-in for good.
	it("lets a provider that verified the address take over an account nobody confirmed", async () => {
		const squatter = new TestClient();
		// The emulator's GitHub user 583231 (Mona) has verified mona@octo.example.
		const squat = await squatter.postJson("/api/auth/sign-up/email", {
			email: "mona@octo.example",
			password: "squatter password",
			name: "Not Mona",
		});
		expect(squat.status).toBe(200);
		// An account from before addresses were confirmed could hold a session: give it one.
		await env.DB.prepare("UPDATE user SET emailVerified = 1 WHERE email = ?").bind("mona@octo.example").run();
		const squatterSession = new TestClient();
		const signedIn = await squatterSession.postJson("/api/auth/sign-in/email", {
			email: "mona@octo.example",
			password: "squatter password",
		});
		expect(signedIn.status).toBe(200);
		await env.DB.prepare("UPDATE user SET emailVerified = 0 WHERE email = ?").bind("mona@octo.example").run();

		const owner = new TestClient();
		expect(await signInWith(owner, "github", "583231")).toMatchObject({ status: 302, location: "/" });
		expect(await me(owner)).toMatchObject({ email: "mona@octo.example" });
		expect((await owner.fetch("/api/me")).ok).toBe(true);
		const body = await (await owner.fetch("/api/me")).json<{ signInMethods: string[] }>();
		expect(body.signInMethods).toEqual(["github"]);

		// The password the squatter set no longer works, and the session it opened has ended.
		const retry = await new TestClient().postJson("/api/auth/sign-in/email", {
			email: "mona@octo.example",
			password: "squatter password",
		});
		expect(retry.status).toBe(401);
		expect(await me(squatterSession)).toBeNull();
	});
});

describe("a guest keeps their account (issue 16)", () => {
	it("by email: the same user, its rooms kept, a guest no more once the address is confirmed", async () => {
		const guest = new TestClient();
		const user = await guest.signInAsGuest();
		const room = `kept-${unique()}`;
		expect((await guest.postJson("/api/rooms", { name: room, visibility: "private" })).status).toBe(201);
		const email = `keeper-${unique()}@example.com`;
		const res = await guest.postJson("/api/me/email", { email, password: "a long password" });
		expect(res.status).toBe(202);
		expect(await me(guest)).toMatchObject({ id: user.id, isGuest: true, pendingEmail: email });
		const link = await guest.linkFromMail(email, /Confirm your email/);
		expect((await guest.fetch(link, { redirect: "manual" })).status).toBe(302);
		expect(await me(guest)).toMatchObject({ id: user.id, isGuest: false, email });
		const { rooms } = await (await guest.fetch("/api/rooms")).json<{
			rooms: Array<{ name: string; member: boolean }>;
		}>();
		expect(rooms.find((r) => r.name === room)?.member).toBe(true);
		// And the password signs in elsewhere.
		const elsewhere = new TestClient();
		expect((await elsewhere.postJson("/api/auth/sign-in/email", { email, password: "a long password" })).status).toBe(
			200,
		);
		expect((await me(elsewhere))?.id).toBe(user.id);
	});

	it("by email answers the same for an address that already has an account, and changes nothing", async () => {
		const owner = new TestClient();
		const email = `owned-${unique()}@example.com`;
		await owner.signUpVerified(email, "the owner's password", "Owner");
		const guest = new TestClient();
		const user = await guest.signInAsGuest();
		const res = await guest.postJson("/api/me/email", { email, password: "a long password" });
		expect(res.status).toBe(202);
		expect(await me(guest)).toMatchObject({ id: user.id, isGuest: true, pendingEmail: null });
		expect((await guest.mailbox(email)).at(-1)?.subject).toMatch(/tried to use your address/);
	});

	it("with a provider: the provider is linked to the guest's own user", async () => {
		const guest = new TestClient();
		const user = await guest.signInAsGuest();
		// Google's second emulated user: GitHub's Mona is taken over by the test above in this file.
		const res = await guest.postJson("/api/auth/link-social", { provider: "google", callbackURL: "/" });
		expect(res.status).toBe(200);
		const { url } = await res.json<{ url: string }>();
		const page = await fetch(url);
		const requestId = (await page.text()).match(/name="request" value="([^"]+)"/)?.[1] ?? "";
		const callback = await decide(url, requestId, "allow", "108987654321098765432");
		await finishSignIn(guest, callback);
		expect(await me(guest)).toMatchObject({ id: user.id, isGuest: false, name: "Alan Turing" });
	});
});

describe("profiles", () => {
	// Issue 15.11: update-user accepted any name and any image URL.
	it.each([
		["a name with a right-to-left override", { name: "\u202Eevil" }, "BAD_NAME"],
		["a name with a control character", { name: "tab\there" }, "BAD_NAME"],
		["a 65-character name", { name: "n".repeat(65) }, "BAD_NAME"],
		["an empty name", { name: "   " }, "BAD_NAME"],
		["an avatar from anywhere", { image: "https://tracker.example/pixel.png" }, "BAD_IMAGE"],
		["an avatar over plain http", { image: "http://avatars.githubusercontent.com/u/1" }, "BAD_IMAGE"],
	])("refuses %s", async (_label, body, code) => {
		const client = new TestClient();
		const user = await client.signInAsGuest();
		const res = await client.postJson("/api/auth/update-user", body);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ code });
		expect((await me(client))?.name).toBe(user.name);
	});

	it("accepts a clean name and a provider's avatar, and clears an avatar", async () => {
		const client = new TestClient();
		await client.signInAsGuest();
		const avatar = "https://avatars.githubusercontent.com/u/583231?v=4";
		expect((await client.postJson("/api/auth/update-user", { name: "Ada  Lovelace 🚀", image: avatar })).status).toBe(
			200,
		);
		expect(await me(client)).toMatchObject({ name: "Ada Lovelace 🚀", image: avatar });
		expect((await client.postJson("/api/auth/update-user", { image: null })).status).toBe(200);
		expect((await me(client))?.image).toBeNull();
	});
});
