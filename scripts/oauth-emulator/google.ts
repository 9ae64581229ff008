import { createHash } from "node:crypto";
import type { Hono } from "hono";
import { authorizeRoutes } from "./authorize.ts";
import { EMULATOR_CLIENTS } from "./clients.ts";
import { type GrantStore, TOKEN_TTL_S } from "./grants.ts";
import { avatarUrl, formFields } from "./http.ts";
import type { SigningKey } from "./signing-key.ts";
import { findUser } from "./users.ts";

/**
 * Google's OpenID Connect flow: accounts.google.com/o/oauth2/v2/auth with PKCE, a token endpoint
 * at oauth2.googleapis.com that returns an RS256 ID token, and its signing keys at
 * www.googleapis.com/oauth2/v3/certs. The ID token is the profile Better Auth reads.
 */
export function googleRoutes(app: Hono, grants: GrantStore, key: SigningKey): void {
	authorizeRoutes(app, grants, {
		provider: "google",
		path: "/accounts.google.com/o/oauth2/v2/auth",
		title: "Google",
		pkce: "optional",
	});

	app.post("/oauth2.googleapis.com/token", async (c) => {
		const f = await formFields(c);
		const client = EMULATOR_CLIENTS.google;
		if (f.client_id !== client.clientId || f.client_secret !== client.clientSecret) {
			return c.json({ error: "invalid_client", error_description: "The OAuth client was not found." }, 401);
		}
		if (f.grant_type !== "authorization_code") return c.json({ error: "unsupported_grant_type" }, 400);
		if (!f.redirect_uri)
			return c.json({ error: "invalid_request", error_description: "Missing parameter: redirect_uri" }, 400);
		const check = grants.redeemCode("google", f.code ?? "", client.clientId, f.redirect_uri, f.code_verifier ?? null);
		if (!check.ok) {
			const error = check.reason === "redirect_mismatch" ? "redirect_uri_mismatch" : "invalid_grant";
			return c.json({ error, error_description: "Bad Request" }, 400);
		}
		const user = findUser("google", check.grant.userId);
		if (!user) return c.json({ error: "invalid_grant" }, 400);
		const accessToken = grants.issueToken(check.grant, "ya29.");
		const now = Math.floor(Date.now() / 1000);
		const idToken = key.sign({
			iss: "https://accounts.google.com",
			azp: client.clientId,
			aud: client.clientId,
			sub: user.id,
			email: user.email,
			email_verified: user.emailVerified,
			at_hash: createHash("sha256").update(accessToken).digest().subarray(0, 16).toString("base64url"),
			...(check.grant.nonce ? { nonce: check.grant.nonce } : {}),
			name: user.name,
			picture: avatarUrl(c, "google", user.id),
			given_name: user.name.split(" ")[0],
			family_name: user.name.split(" ").slice(1).join(" "),
			iat: now,
			exp: now + TOKEN_TTL_S,
		});
		return c.json({
			access_token: accessToken,
			expires_in: TOKEN_TTL_S - 1,
			scope: check.grant.scope,
			token_type: "Bearer",
			id_token: idToken,
		});
	});

	app.get("/www.googleapis.com/oauth2/v3/certs", (c) => c.json({ keys: [key.jwk] }));
}
