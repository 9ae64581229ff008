import type { Context } from "hono";
import { jsonError } from "../http-errors";
import { LOOPBACK_HOSTS } from "../protocol/loopback";
import { DEV_TOOLS } from "./flag";

/**
 * Development and tests only: sends Better Auth's OAuth traffic for GitHub, Google and X to the
 * local provider emulator (scripts/oauth-emulator) instead of the real providers, which this
 * machine cannot reach. The providers themselves stay Better Auth's built-ins, unchanged; only
 * the host part of their fixed endpoint URLs is rewritten, as `https://<host>/<path>` ->
 * `<emulator>/<host>/<path>`.
 */

/** Every host the three built-in providers talk to (authorize, token, user info, JWKS). */
const PROVIDER_HOSTS = [
	"github.com",
	"api.github.com",
	"accounts.google.com",
	"oauth2.googleapis.com",
	"www.googleapis.com",
	"x.com",
	"api.x.com",
] as const;

export class EmulatorRoutingRefused extends Error {}

/**
 * The emulator's origin when `OAUTH_EMULATOR_URL` is set, or null. Refuses (throws) unless the
 * emulator is on loopback over http and the app itself is not served over https: a deployed app
 * must never hand sign-ins to a stand-in provider, even if the variable leaks into production.
 */
export function emulatorOrigin(env: Env, requestUrl: string): string | null {
	const configured = env.OAUTH_EMULATOR_URL?.trim();
	if (!DEV_TOOLS || !configured) return null;
	let emulator: URL;
	try {
		emulator = new URL(configured);
	} catch {
		throw new EmulatorRoutingRefused(`OAUTH_EMULATOR_URL is not a URL: ${configured}`);
	}
	if (emulator.protocol !== "http:" || !LOOPBACK_HOSTS.has(emulator.hostname)) {
		throw new EmulatorRoutingRefused("OAUTH_EMULATOR_URL must be an http:// loopback address.");
	}
	if (new URL(requestUrl).protocol === "https:" || env.BETTER_AUTH_URL.trim().startsWith("https:")) {
		throw new EmulatorRoutingRefused("The OAuth emulator is refused when the app is served over https.");
	}
	return emulator.origin;
}

/**
 * The emulator's origin, whose generated avatars a development profile may use; null unless this
 * build has the dev tools and the emulator is configured on loopback.
 */
export function devAvatarOrigin(env: Env): string | null {
	const configured = env.OAUTH_EMULATOR_URL?.trim();
	if (!DEV_TOOLS || !configured) return null;
	try {
		const url = new URL(configured);
		return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname) ? url.origin : null;
	} catch {
		return null;
	}
}

/** The emulator URL for a provider URL, or null when the URL is not a provider's. */
export function toEmulatorUrl(url: string, origin: string): string | null {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return null;
	}
	if (parsed.protocol !== "https:" || !(PROVIDER_HOSTS as readonly string[]).includes(parsed.hostname)) return null;
	return `${origin}/${parsed.hostname}${parsed.pathname}${parsed.search}`;
}

let routedOrigin: string | null = null;

/**
 * Wraps the isolate's `fetch` once so Better Auth's server-side calls (token exchange, user info,
 * JWKS) reach the emulator. Better Auth resolves `globalThis.fetch` at call time, so this needs
 * no change to the providers.
 */
function routeProviderFetches(origin: string): void {
	if (routedOrigin === origin) return;
	const original = routedOrigin === null ? globalThis.fetch : (globalThis.fetch as RoutedFetch).original;
	const routed: RoutedFetch = Object.assign(
		(input: RequestInfo | URL, init?: RequestInit) => {
			const url = input instanceof Request ? input.url : String(input);
			const target = toEmulatorUrl(url, origin);
			if (!target) return original(input, init);
			return original(input instanceof Request ? new Request(target, input) : target, init);
		},
		{ original },
	);
	globalThis.fetch = routed;
	routedOrigin = origin;
}

type RoutedFetch = typeof fetch & { original: typeof fetch };

/**
 * Rewrites where Better Auth sends the browser to authorize: the `Location` header and the JSON
 * `url` that `POST /sign-in/social` answers with.
 */
async function routeAuthorizationRedirect(response: Response, origin: string): Promise<Response> {
	const location = response.headers.get("location");
	const routedLocation = location ? toEmulatorUrl(location, origin) : null;
	const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
	if (!routedLocation && !isJson) return response;

	const headers = new Headers(response.headers);
	if (routedLocation) headers.set("location", routedLocation);
	let body: BodyInit | null = response.body;
	if (isJson) {
		const text = await response.text();
		body = text;
		const json = parseJson(text);
		if (typeof json === "object" && json !== null && "url" in json && typeof json.url === "string") {
			const routedUrl = toEmulatorUrl(json.url, origin);
			if (routedUrl) body = JSON.stringify({ ...json, url: routedUrl });
		}
		headers.delete("content-length");
	}
	return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

/**
 * Runs a Better Auth request with provider traffic routed to the emulator when it is configured,
 * or refuses with a clear 500 when it is configured somewhere it must not run.
 */
export async function withEmulatorRouting(
	c: Context,
	handle: (request: Request) => Promise<Response>,
): Promise<Response> {
	let emulator: string | null;
	try {
		emulator = emulatorOrigin(c.env, c.req.url);
	} catch (error) {
		if (!(error instanceof EmulatorRoutingRefused)) throw error;
		console.error(error.message);
		return jsonError(c, 500, "oauth_emulator_refused", error.message);
	}
	if (!emulator) return handle(c.req.raw);
	routeProviderFetches(emulator);
	return routeAuthorizationRedirect(await handle(c.req.raw), emulator);
}
