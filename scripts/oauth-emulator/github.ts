import type { Hono } from "hono";
import { authorizeRoutes } from "./authorize.ts";
import { EMULATOR_CLIENTS } from "./clients.ts";
import type { GrantStore } from "./grants.ts";
import { avatarUrl, formFields } from "./http.ts";
import { findUser } from "./users.ts";

const DOCS = "https://docs.github.com/rest";

/**
 * GitHub's OAuth app flow: github.com/login/oauth/{authorize,access_token}, then api.github.com
 * `/user` and `/user/emails`. GitHub answers token errors with HTTP 200 and an `error` field,
 * takes the client secret in the body, and rejects API calls without a User-Agent.
 */
export function githubRoutes(app: Hono, grants: GrantStore): void {
	authorizeRoutes(app, grants, {
		provider: "github",
		path: "/github.com/login/oauth/authorize",
		title: "GitHub",
		pkce: "optional",
	});

	app.post("/github.com/login/oauth/access_token", async (c) => {
		const f = await formFields(c);
		const client = EMULATOR_CLIENTS.github;
		if (f.client_id !== client.clientId || f.client_secret !== client.clientSecret) {
			return c.json({
				error: "incorrect_client_credentials",
				error_description: "The client_id and/or client_secret passed are incorrect.",
			});
		}
		const check = grants.redeemCode(
			"github",
			f.code ?? "",
			client.clientId,
			f.redirect_uri ?? null,
			f.code_verifier ?? null,
		);
		if (!check.ok) {
			const error = check.reason === "redirect_mismatch" ? "redirect_uri_mismatch" : "bad_verification_code";
			return c.json({ error, error_description: "The code passed is incorrect or expired." });
		}
		const scope = check.grant.scope.split(/[ ,]+/).filter(Boolean).join(",");
		return c.json({ access_token: grants.issueToken(check.grant, "gho_"), token_type: "bearer", scope });
	});

	app.get("/api.github.com/user", (c) => {
		if (!c.req.header("user-agent")) return c.json({ message: "Request forbidden by administrative rules." }, 403);
		const grant = grants.bearer("github", c.req.header("authorization"));
		const user = grant && findUser("github", grant.userId);
		if (!user) return c.json({ message: "Bad credentials", documentation_url: DOCS, status: "401" }, 401);
		return c.json({
			login: user.login,
			id: Number(user.id),
			node_id: `U_${user.id}`,
			avatar_url: avatarUrl(c, "github", user.id),
			type: "User",
			name: user.name,
			// Like most GitHub users, the email is private here: the app must call /user/emails.
			email: null,
		});
	});

	app.get("/api.github.com/user/emails", (c) => {
		if (!c.req.header("user-agent")) return c.json({ message: "Request forbidden by administrative rules." }, 403);
		const grant = grants.bearer("github", c.req.header("authorization"));
		const user = grant && findUser("github", grant.userId);
		if (!user) return c.json({ message: "Bad credentials", documentation_url: DOCS, status: "401" }, 401);
		if (!grant.scope.split(/[ ,]+/).includes("user:email")) {
			return c.json({ message: "Not Found", documentation_url: DOCS, status: "404" }, 404);
		}
		return c.json(
			user.email ? [{ email: user.email, primary: true, verified: user.emailVerified, visibility: "private" }] : [],
		);
	});
}
