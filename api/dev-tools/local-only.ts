import { LOOPBACK_HOSTS } from "../protocol/loopback";

/**
 * Whether a request to a development route comes to a local server: plain http on a loopback
 * host, with no public base URL configured. The dev routes answer 404 otherwise, even in a build
 * that carries them.
 */
export function isLocalDevelopment(requestUrl: string, env: Env): boolean {
	const url = new URL(requestUrl);
	return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname) && !env.BETTER_AUTH_URL.trim();
}
