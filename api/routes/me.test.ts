import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";

describe("GET /api/me", () => {
	it("answers a signed-out visitor with no user (not an error the browser would log)", async () => {
		const res = await new TestClient().fetch("/api/me");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ user: null, signInMethods: [] });
	});

	it("returns the email user once the address is confirmed, and again after a fresh sign-in", async () => {
		const signup = new TestClient();
		const email = `ada-${crypto.randomUUID()}@example.com`;
		const created = await signup.postJson("/api/auth/sign-up/email", {
			email,
			password: "correct horse battery",
			name: "Ada Lovelace",
		});
		expect(created.status).toBe(200);
		// Not signed in until the link in the mail is opened.
		expect(await (await signup.fetch("/api/me")).json()).toMatchObject({ user: null });
		const link = await signup.linkFromMail(email, /Confirm your email/);
		expect((await signup.fetch(link, { redirect: "manual" })).status).toBe(302);
		const me = await signup.fetch("/api/me");
		expect(me.status).toBe(200);
		const body = await me.json<{ user: { id: string; name: string; email: string; isGuest: boolean } }>();
		expect(body).toMatchObject({
			user: { name: "Ada Lovelace", email, isGuest: false, image: null },
			signInMethods: ["credential"],
		});

		const other = new TestClient();
		const signin = await other.postJson("/api/auth/sign-in/email", { email, password: "correct horse battery" });
		expect(signin.status).toBe(200);
		const again = await (await other.fetch("/api/me")).json<{ user: { id: string } }>();
		expect(again.user.id).toBe(body.user.id);
	});

	it("rejects a wrong password and keeps the client signed out", async () => {
		const signup = new TestClient();
		const email = `grace-${crypto.randomUUID()}@example.com`;
		await signup.signUpVerified(email, "right password", "Grace");
		const intruder = new TestClient();
		const res = await intruder.postJson("/api/auth/sign-in/email", { email, password: "wrong password" });
		expect(res.status).toBe(401);
		expect(await (await intruder.fetch("/api/me")).json()).toMatchObject({ user: null });
	});

	it("signs a guest in with a generated name and no email", async () => {
		const guest = new TestClient();
		const user = await guest.signInAsGuest();
		expect(user.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{1,2}$/);
		const body = await (await guest.fetch("/api/me")).json();
		expect(body).toEqual({
			user: { id: user.id, name: user.name, email: null, image: null, isGuest: true, pendingEmail: null },
			signInMethods: [],
		});
	});

	it("forgets the session after sign-out", async () => {
		const guest = new TestClient();
		await guest.signInAsGuest();
		const out = await guest.postJson("/api/auth/sign-out", {});
		expect(out.status).toBe(200);
		expect(await (await guest.fetch("/api/me")).json()).toMatchObject({ user: null });
	});

	it("refuses a sign-up posted from a foreign origin", async () => {
		const client = new TestClient();
		const res = await client.fetch("/api/auth/sign-up/email", {
			method: "POST",
			headers: { "content-type": "application/json", origin: "https://evil.example" },
			body: JSON.stringify({ email: `x-${crypto.randomUUID()}@example.com`, password: "password123", name: "X" }),
		});
		expect(res.status).toBe(403);
	});
});
