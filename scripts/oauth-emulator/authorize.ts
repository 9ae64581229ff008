import type { Context, Hono } from "hono";
import { LOOPBACK_HOSTS } from "../../api/protocol/loopback.ts";
import { EMULATOR_CLIENTS, type EmulatedProvider } from "./clients.ts";
import { consentPage, errorPage } from "./consent-page.ts";
import type { AuthorizationRequest, GrantStore } from "./grants.ts";
import { EMULATOR_USERS, findUser } from "./users.ts";

/**
 * The emulator's registered callback: the app's Better Auth callback for this provider on any
 * loopback origin (dev, preview and test servers use different ports). Compared exactly, with no
 * prefix matching, as Google and X do.
 */
function isRegisteredRedirect(provider: EmulatedProvider, redirectUri: string): boolean {
	try {
		const url = new URL(redirectUri);
		return (
			url.protocol === "http:" &&
			LOOPBACK_HOSTS.has(url.hostname) &&
			url.pathname === `/api/auth/callback/${provider}` &&
			url.search === "" &&
			url.hash === "" &&
			redirectUri === `${url.origin}${url.pathname}`
		);
	} catch {
		return false;
	}
}

function redirectWith(redirectUri: string, params: Record<string, string | null>): string {
	const url = new URL(redirectUri);
	for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
	return url.toString();
}

type AuthorizeOptions = { provider: EmulatedProvider; path: string; title: string; pkce: "required" | "optional" };

/** Registers `GET <path>` (consent page) and `POST <path>` (the user's decision) for one provider. */
export function authorizeRoutes(app: Hono, grants: GrantStore, options: AuthorizeOptions): void {
	const { provider, path, title } = options;

	app.get(path, (c) => {
		const q = (name: string) => c.req.query(name) || null;
		const clientId = q("client_id");
		const redirectUri = q("redirect_uri");
		// Errors about the client or the callback are shown here, never redirected: the callback is not trusted yet.
		if (clientId !== EMULATOR_CLIENTS[provider].clientId) {
			return c.html(errorPage(title, "invalid_client", `Unknown client_id ${clientId ?? "(missing)"}.`), 400);
		}
		if (!redirectUri || !isRegisteredRedirect(provider, redirectUri)) {
			return c.html(
				errorPage(title, "redirect_uri_mismatch", `redirect_uri ${redirectUri ?? "(missing)"} is not registered.`),
				400,
			);
		}
		const state = q("state");
		const fail = (error: string, description: string) =>
			c.redirect(redirectWith(redirectUri, { error, error_description: description, state }), 302);
		if (q("response_type") !== "code")
			return fail("unsupported_response_type", "Only response_type=code is supported.");
		const codeChallenge = q("code_challenge");
		const method = q("code_challenge_method") ?? "plain";
		if (codeChallenge === null && options.pkce === "required") {
			return fail("invalid_request", "code_challenge is required (PKCE).");
		}
		if (codeChallenge !== null && method !== "S256") {
			return fail("invalid_request", "Only code_challenge_method=S256 is supported.");
		}
		const request: AuthorizationRequest = {
			provider,
			clientId,
			redirectUri,
			scope: q("scope") ?? "",
			state,
			codeChallenge,
			nonce: q("nonce"),
		};
		const requestId = grants.openRequest(request);
		return c.html(
			consentPage({ title, action: path, requestId, scope: request.scope, users: EMULATOR_USERS[provider] }),
		);
	});

	app.post(path, async (c: Context) => {
		const form = await c.req.parseBody();
		const request = typeof form.request === "string" ? grants.takeRequest(form.request) : undefined;
		if (!request)
			return c.html(errorPage(title, "invalid_request", "This consent page has expired; start again."), 400);
		const { redirectUri, state } = request;
		if (form.decision !== "allow") {
			const denied = { error: "access_denied", error_description: "The user denied the request.", state };
			return c.redirect(redirectWith(redirectUri, denied), 302);
		}
		const user = typeof form.user === "string" ? findUser(provider, form.user) : undefined;
		if (!user) return c.html(errorPage(title, "invalid_request", "Choose an account."), 400);
		return c.redirect(redirectWith(redirectUri, { code: grants.issueCode(request, user.id), state }), 302);
	});
}
