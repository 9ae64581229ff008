import { env } from "cloudflare:workers";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { decide, finishSignIn, signInWith, startSignIn } from "../../tests/workers/oauth-flow";
import { MeResponseSchema } from "../protocol/http-api";

async function me(client: TestClient) {
	const res = await client.fetch("/api/me");
	return res.ok ? v.parse(MeResponseSchema, await res.json()).user : null;
}

const EMULATOR = env.OAUTH_EMULATOR_URL ?? "";

describe("OAuth sign-in (GitHub, Google, X via the local emulator)", () => {
	it("lists the three configured providers besides email and guest", async () => {
		const res = await new TestClient().fetch("/api/auth-methods");
		expect(await res.json()).toEqual({
			email: true,
			// The tests have the local mailbox, so new email accounts can be confirmed.
			emailSignUp: true,
			guest: true,
			providers: [
				{ id: "github", name: "GitHub" },
				{ id: "google", name: "Google" },
				{ id: "twitter", name: "X" },
			],
		});
	});

	it.each([
		["github", "583231", "Mona Octocat", "mona@octo.example"],
		["google", "108234567890123456789", "Ada Lovelace", "ada@gmail.example"],
		["twitter", "1450000000000000001", "Grace Hopper", "grace@x.example"],
	] as const)("signs in with %s, and signing in again reuses the same user", async (provider, userId, name, email) => {
		const first = new TestClient();
		const { authorizeUrl } = await startSignIn(first, provider);
		expect(authorizeUrl.startsWith(`${EMULATOR}/`)).toBe(true);

		const signedIn = await signInWith(first, provider, userId);
		expect(signedIn).toMatchObject({ status: 302, location: "/" });
		const user = await me(first);
		expect(user).toMatchObject({ name, email, isGuest: false });
		expect(user?.image).toBe(`${EMULATOR}/avatars/${provider}/${userId}.svg`);

		const again = new TestClient();
		await signInWith(again, provider, userId);
		expect((await me(again))?.id).toBe(user?.id);
	});

	it("gives an X user without an email an account, and shows no placeholder address", async () => {
		const client = new TestClient();
		expect(await signInWith(client, "twitter", "1450000000000000002")).toMatchObject({ status: 302, location: "/" });
		expect(await me(client)).toMatchObject({ name: "Nell Noemail", email: null, isGuest: false });
	});

	it("sends a denied consent back to the sign-in page with the reason", async () => {
		const client = new TestClient();
		const { authorizeUrl, requestId } = await startSignIn(client, "github");
		const callback = await decide(authorizeUrl, requestId, "deny");
		expect(callback.searchParams.get("error")).toBe("access_denied");
		const result = await finishSignIn(client, callback);
		expect(result.status).toBe(302);
		expect(new URL(result.location, "http://x").pathname).toBe("/sign-in");
		expect(new URL(result.location, "http://x").searchParams.get("error")).toBe("access_denied");
		expect(await me(client)).toBeNull();
	});

	it("rejects a callback with a forged state", async () => {
		const client = new TestClient();
		const { authorizeUrl, requestId } = await startSignIn(client, "github");
		const callback = await decide(authorizeUrl, requestId, "allow", "583231");
		callback.searchParams.set("state", "forged-state-value");
		const result = await finishSignIn(client, callback);
		expect(result.location).toMatch(/^\/sign-in\?error=/);
		expect(await me(client)).toBeNull();
	});

	it("rejects a replayed callback even with the same state cookie: state and code are single-use", async () => {
		const client = new TestClient();
		const { authorizeUrl, requestId } = await startSignIn(client, "google");
		const callback = await decide(authorizeUrl, requestId, "allow", "108987654321098765432");
		const replayer = client.clone();
		expect(await finishSignIn(client, callback)).toMatchObject({ status: 302, location: "/" });
		expect((await me(client))?.name).toBe("Alan Turing");

		const replay = await finishSignIn(replayer, callback);
		expect(replay.location).toMatch(/^\/sign-in\?error=/);
		expect(await me(replayer)).toBeNull();
	});

	it.each(["//evil.com", "https://evil.com", "/\\evil.com", "javascript:alert(1)"])(
		"refuses the open-redirect callbackURL %s before any provider is contacted",
		async (callbackURL) => {
			const client = new TestClient();
			const res = await client.postJson("/api/auth/sign-in/social", { provider: "github", callbackURL });
			expect(res.status).toBe(403);
			expect(await res.text()).toMatch(/callback/i);
		},
	);

	it("does not link a provider account to an existing user by an unverified email", async () => {
		const owner = new TestClient();
		const signUp = await owner.postJson("/api/auth/sign-up/email", {
			name: "Email Hubot",
			email: "hubot@octo.example",
			password: "correct horse battery",
		});
		expect(signUp.ok).toBe(true);

		const client = new TestClient();
		const result = await signInWith(client, "github", "1024025");
		expect(result.location).toBe("/sign-in?error=account_not_linked");
		expect(await me(client)).toBeNull();
	});

	it("turns a guest into the provider's user when the guest signs in with a provider", async () => {
		const client = new TestClient();
		const guest = await client.signInAsGuest();
		await signInWith(client, "github", "583231");
		const user = await me(client);
		expect(user).toMatchObject({ name: "Mona Octocat", isGuest: false });
		expect(user?.id).not.toBe(guest.id);
	});

	it("rate-limits sign-in attempts per address: the fourth within 10 s is 429", async () => {
		const client = new TestClient();
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++) {
			const res = await client.postJson("/api/auth/sign-in/email", {
				email: "nobody@example.com",
				password: "wrong-password",
			});
			statuses.push(res.status);
		}
		expect(statuses).toEqual([401, 401, 401, 429]);
	});
});
