/** The OAuth providers' avatar hosts: the only places profile pictures come from (avatar-hosts.ts). */
export const AVATAR_ORIGINS = [
	"https://avatars.githubusercontent.com",
	"https://lh3.googleusercontent.com",
	"https://lh4.googleusercontent.com",
	"https://lh5.googleusercontent.com",
	"https://lh6.googleusercontent.com",
	"https://pbs.twimg.com",
] as const;

/**
 * Headers every response carries: the page's static assets get them from the `_headers` file the
 * build writes (vite.config.ts), the Worker's own responses from `withSecurityHeaders`. One table,
 * so the two can never disagree.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	"X-Content-Type-Options": "nosniff",
	// frame-ancestors in the CSP says the same to current browsers; this covers older ones.
	"X-Frame-Options": "DENY",
	"Referrer-Policy": "strict-origin-when-cross-origin",
	"Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
	"Cross-Origin-Opener-Policy": "same-origin",
};

/** Sent only over https: browsers ignore it on http, and it would pin a local host to https. */
export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * The page's Content Security Policy: only its own scripts, styles and connections; images also
 * from the OAuth providers' avatar hosts (and, in a test build, the local OAuth emulator's).
 * Not used under `vite dev`, whose hot reload injects inline styles.
 */
function pagePolicy(extraImageOrigin?: string): string {
	return [
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		`img-src 'self' data: ${AVATAR_ORIGINS.join(" ")}${extraImageOrigin ? ` ${extraImageOrigin}` : ""}`,
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	].join("; ");
}

/** JSON from the API is never a document: it may load nothing and be framed by nobody. */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * Vite names every file under /assets/ by its content's hash, so a name never changes meaning:
 * a returning visitor's browser keeps them for a year without asking, and V8 reuses its compiled
 * code for them. Without this, each visit revalidated all fourteen files of the first screen.
 */
const HASHED_ASSETS = { path: "/assets/*", headers: { "Cache-Control": "public, max-age=31536000, immutable" } };

/** The `_headers` file for static assets (Cloudflare's format: a path pattern, then indented headers). */
export function assetHeadersFile(extraImageOrigin?: string): string {
	const rules = [
		{ path: "/*", headers: { ...SECURITY_HEADERS, "Content-Security-Policy": pagePolicy(extraImageOrigin) } },
		HASHED_ASSETS,
	];
	return rules
		.map(
			({ path, headers }) =>
				`${path}\n${Object.entries(headers)
					.map(([name, value]) => `  ${name}: ${value}`)
					.join("\n")}\n`,
		)
		.join("\n");
}

/** Adds the security headers to a Worker response (HSTS when the request came over https). */
export function withSecurityHeaders(response: Response, requestUrl: string, policy: string | null): Response {
	// Upgrades and redirects from the runtime can have immutable headers; a copy never does.
	const secured = response.status === 101 ? response : new Response(response.body, response);
	if (secured.status === 101) return secured;
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) secured.headers.set(name, value);
	if (policy && !secured.headers.has("Content-Security-Policy")) secured.headers.set("Content-Security-Policy", policy);
	if (new URL(requestUrl).protocol === "https:") secured.headers.set("Strict-Transport-Security", HSTS);
	return secured;
}
