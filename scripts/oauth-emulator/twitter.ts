import type { Hono } from "hono";
import { authorizeRoutes } from "./authorize.ts";
import { EMULATOR_CLIENTS } from "./clients.ts";
import type { GrantStore } from "./grants.ts";
import { avatarUrl, basicCredentials, formFields } from "./http.ts";
import { findUser } from "./users.ts";

const UNAUTHORIZED = { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" };

/**
 * X (Twitter) OAuth 2.0 with PKCE: x.com/i/oauth2/authorize, a token endpoint at api.x.com that
 * requires HTTP Basic client authentication for confidential clients, and `/2/users/me`, which
 * returns `confirmed_email` only with the `users.email` scope and only when the user has one.
 */
export function twitterRoutes(app: Hono, grants: GrantStore): void {
	authorizeRoutes(app, grants, {
		provider: "twitter",
		path: "/x.com/i/oauth2/authorize",
		title: "X",
		pkce: "required",
	});

	app.post("/api.x.com/2/oauth2/token", async (c) => {
		const client = EMULATOR_CLIENTS.twitter;
		const basic = basicCredentials(c.req.header("authorization"));
		if (!basic || basic.id !== client.clientId || basic.secret !== client.clientSecret) {
			return c.json({ error: "unauthorized_client", error_description: "Missing valid authorization header" }, 401);
		}
		const f = await formFields(c);
		if (f.grant_type !== "authorization_code") return c.json({ error: "invalid_request" }, 400);
		const check = grants.redeemCode(
			"twitter",
			f.code ?? "",
			client.clientId,
			f.redirect_uri ?? null,
			f.code_verifier ?? null,
		);
		if (!check.ok) {
			return c.json(
				{ error: "invalid_request", error_description: "Value passed for the authorization code was invalid." },
				400,
			);
		}
		return c.json({
			token_type: "bearer",
			expires_in: 7200,
			access_token: grants.issueToken(check.grant, ""),
			scope: check.grant.scope,
			...(check.grant.scope.split(" ").includes("offline.access")
				? { refresh_token: `rt-${crypto.randomUUID()}` }
				: {}),
		});
	});

	app.get("/api.x.com/2/users/me", (c) => {
		const grant = grants.bearer("twitter", c.req.header("authorization"));
		const user = grant && findUser("twitter", grant.userId);
		if (!user) return c.json(UNAUTHORIZED, 401);
		const fields = new Set((c.req.query("user.fields") ?? "").split(","));
		const scopes = grant.scope.split(" ");
		return c.json({
			data: {
				id: user.id,
				name: user.name,
				username: user.login,
				...(fields.has("profile_image_url") ? { profile_image_url: avatarUrl(c, "twitter", user.id) } : {}),
				...(fields.has("confirmed_email") && scopes.includes("users.email") && user.email
					? { confirmed_email: user.email }
					: {}),
			},
		});
	});
}
