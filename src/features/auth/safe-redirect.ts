/**
 * Where to go after signing in: only same-origin paths, so `?redirect=` can never send a
 * user to another site. A path that starts with `//` or `/\` is protocol-relative in browsers,
 * and URL parsing can produce one from an innocent-looking target (`/.//evil`, `/a/..//evil`,
 * `/%2e//evil`), so the check is made on the parsed path, not on the input.
 */
export function safeRedirect(target: string | undefined, origin: string): string {
	if (!target) return "/";
	try {
		const url = new URL(target, origin);
		const path = url.pathname;
		if (url.origin !== origin || path.startsWith("//") || path.startsWith("/\\") || path.startsWith("/sign-in")) {
			return "/";
		}
		return `${path}${url.search}${url.hash}`;
	} catch {
		return "/";
	}
}
