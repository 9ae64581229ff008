/**
 * Where to go after signing in: only same-origin paths, so `?redirect=` can never send a
 * user to another site (`//evil.com` and `/\evil.com` are protocol-relative in browsers).
 */
export function safeRedirect(target: string | undefined, origin: string): string {
	if (!target) return "/";
	try {
		const url = new URL(target, origin);
		if (url.origin !== origin || url.pathname.startsWith("/sign-in")) return "/";
		return `${url.pathname}${url.search}${url.hash}`;
	} catch {
		return "/";
	}
}
