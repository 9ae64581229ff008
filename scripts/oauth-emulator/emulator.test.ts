import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createEmulatorApp } from "./app.ts";
import { EMULATOR_CLIENTS } from "./clients.ts";

const APP = "http://localhost:5173";
const verifier = "a-code-verifier-that-is-long-enough-to-be-valid-0123456789";
const challenge = createHash("sha256").update(verifier).digest("base64url");

type Setup = { provider: "github" | "google" | "twitter"; authorize: string; token: string };
const PROVIDERS: Setup[] = [
	{ provider: "github", authorize: "/github.com/login/oauth/authorize", token: "/github.com/login/oauth/access_token" },
	{ provider: "google", authorize: "/accounts.google.com/o/oauth2/v2/auth", token: "/oauth2.googleapis.com/token" },
	{ provider: "twitter", authorize: "/x.com/i/oauth2/authorize", token: "/api.x.com/2/oauth2/token" },
];

async function authorize(app: ReturnType<typeof createEmulatorApp>, s: Setup, overrides: Record<string, string> = {}) {
	const params = new URLSearchParams({
		client_id: EMULATOR_CLIENTS[s.provider].clientId,
		redirect_uri: `${APP}/api/auth/callback/${s.provider}`,
		response_type: "code",
		state: "st",
		scope: "users.read users.email",
		code_challenge: challenge,
		code_challenge_method: "S256",
		...overrides,
	});
	return app.request(`${s.authorize}?${params}`);
}

async function codeFor(app: ReturnType<typeof createEmulatorApp>, s: Setup, user: string): Promise<string> {
	const html = await (await authorize(app, s)).text();
	const request = html.match(/name="request" value="([^"]+)"/)?.[1] ?? "";
	const res = await app.request(s.authorize, {
		method: "POST",
		body: new URLSearchParams({ request, decision: "allow", user }),
	});
	return new URL(res.headers.get("location") ?? "").searchParams.get("code") ?? "";
}

function exchange(
	app: ReturnType<typeof createEmulatorApp>,
	s: Setup,
	code: string,
	extra: Record<string, string> = {},
) {
	const { clientId, clientSecret } = EMULATOR_CLIENTS[s.provider];
	const body = new URLSearchParams({
		grant_type: "authorization_code",
		code,
		redirect_uri: `${APP}/api/auth/callback/${s.provider}`,
		code_verifier: verifier,
		...(s.provider === "twitter" ? {} : { client_id: clientId, client_secret: clientSecret }),
		...extra,
	});
	const headers: Record<string, string> = { accept: "application/json" };
	if (s.provider === "twitter") headers.authorization = `Basic ${btoa(`${clientId}:${clientSecret}`)}`;
	return app.request(s.token, { method: "POST", body, headers });
}

const USER = { github: "583231", google: "108234567890123456789", twitter: "1450000000000000001" };

describe.each(PROVIDERS)("$provider emulator", (s) => {
	it("refuses an unregistered redirect_uri on its own page instead of redirecting", async () => {
		const res = await authorize(createEmulatorApp(), s, { redirect_uri: "https://evil.example/api/auth/callback/x" });
		expect(res.status).toBe(400);
		expect(res.headers.get("location")).toBeNull();
	});

	it("exchanges a code once; a second use fails", async () => {
		const app = createEmulatorApp();
		const code = await codeFor(app, s, USER[s.provider]);
		const first = await (await exchange(app, s, code)).json();
		expect(first.access_token).toEqual(expect.any(String));
		const second = await exchange(app, s, code);
		expect(await second.json()).toHaveProperty("error");
	});

	it("rejects a redirect_uri different from the one authorized", async () => {
		const app = createEmulatorApp();
		const code = await codeFor(app, s, USER[s.provider]);
		const res = await exchange(app, s, code, { redirect_uri: `${APP}/api/auth/callback/${s.provider}/x` });
		expect(await res.json()).toHaveProperty("error");
	});

	it("rejects a wrong PKCE verifier", async () => {
		const app = createEmulatorApp();
		const code = await codeFor(app, s, USER[s.provider]);
		const res = await exchange(app, s, code, { code_verifier: `${verifier}-wrong` });
		expect(await res.json()).toHaveProperty("error");
	});
});

describe("provider specifics", () => {
	it("X requires HTTP Basic client authentication at the token endpoint", async () => {
		const app = createEmulatorApp();
		const s = PROVIDERS[2] as Setup;
		const code = await codeFor(app, s, USER.twitter);
		const { clientId, clientSecret } = EMULATOR_CLIENTS.twitter;
		const res = await app.request(s.token, {
			method: "POST",
			body: new URLSearchParams({
				grant_type: "authorization_code",
				code,
				client_id: clientId,
				client_secret: clientSecret,
			}),
		});
		expect(res.status).toBe(401);
	});

	it("X requires PKCE at authorize", async () => {
		const res = await authorize(createEmulatorApp(), PROVIDERS[2] as Setup, { code_challenge: "" });
		expect(res.status).toBe(302);
		expect(new URL(res.headers.get("location") ?? "").searchParams.get("error")).toBe("invalid_request");
	});

	it("Google returns an RS256 ID token that verifies against its published JWKS", async () => {
		const app = createEmulatorApp();
		const s = PROVIDERS[1] as Setup;
		const tokens = await (await exchange(app, s, await codeFor(app, s, USER.google))).json();
		const [header = "", payload = "", signature = ""] = String(tokens.id_token).split(".");
		const { keys } = await (await app.request("/www.googleapis.com/oauth2/v3/certs")).json();
		const key = await crypto.subtle.importKey("jwk", keys[0], { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
			"verify",
		]);
		const valid = await crypto.subtle.verify(
			"RSASSA-PKCS1-v1_5",
			key,
			Buffer.from(signature, "base64url"),
			new TextEncoder().encode(`${header}.${payload}`),
		);
		expect(valid).toBe(true);
		const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
		expect(claims).toMatchObject({
			iss: "https://accounts.google.com",
			aud: EMULATOR_CLIENTS.google.clientId,
			sub: USER.google,
		});
	});

	it("GitHub refuses API calls without a User-Agent, like GitHub", async () => {
		const app = createEmulatorApp();
		const s = PROVIDERS[0] as Setup;
		const tokens = await (await exchange(app, s, await codeFor(app, s, USER.github))).json();
		const res = await app.request("/api.github.com/user", {
			headers: { authorization: `Bearer ${tokens.access_token}` },
		});
		expect(res.status).toBe(403);
	});
});
