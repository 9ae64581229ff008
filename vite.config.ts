import { cloudflare } from "@cloudflare/vite-plugin";
import tailwindcss from "@tailwindcss/vite";
import { tanstackRouter } from "@tanstack/router-plugin/vite";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";
import { emulatorVars } from "./scripts/oauth-emulator/clients.ts";

// Tests and benchmarks run the real server on their own port against their own local state
// (D1, KV, Durable Objects), so they never touch the state `npm run dev` uses.
const stateDir = process.env.PARLOR_STATE_DIR;
// Set by `npm run dev` and the e2e server when the local OAuth emulator runs: the Worker then gets
// the emulator's client credentials and routes GitHub, Google and X to it (dev only; see README).
const oauthEmulator = process.env.PARLOR_OAUTH_EMULATOR;
// Test and benchmark servers override a few vars (e.g. a higher send rate to seed history fast).
const varOverrides: Record<string, string> = JSON.parse(process.env.PARLOR_VARS ?? "{}");

/**
 * The production page's Content Security Policy, as a meta tag in the built index.html (static
 * assets are served without the Worker, and a meta tag travels with them to any host). Only the
 * page's own scripts, styles and connections; images also from the OAuth providers' avatar hosts.
 * Not in `vite dev`, whose hot reload injects inline styles.
 */
export function contentSecurityPolicyValue(extraImageOrigin?: string): string {
	const avatars = "https://avatars.githubusercontent.com https://lh3.googleusercontent.com https://pbs.twimg.com";
	return [
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		// A test build also shows the local OAuth emulator's avatars.
		`img-src 'self' data: ${avatars}${extraImageOrigin ? ` ${extraImageOrigin}` : ""}`,
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
	].join("; ");
}

function contentSecurityPolicy(extraImageOrigin?: string): Plugin {
	return {
		name: "parlor-content-security-policy",
		apply: "build",
		transformIndexHtml: () => [
			{
				tag: "meta",
				attrs: { "http-equiv": "Content-Security-Policy", content: contentSecurityPolicyValue(extraImageOrigin) },
				injectTo: "head-prepend",
			},
		],
	};
}

export default defineConfig({
	plugins: [
		contentSecurityPolicy(oauthEmulator),
		tailwindcss(),
		tanstackRouter({ target: "solid", autoCodeSplitting: true }),
		solid(),
		cloudflare({
			persistState: stateDir ? { path: stateDir } : true,
			inspectorPort: stateDir ? false : undefined,
			config: { vars: { ...(oauthEmulator ? emulatorVars(oauthEmulator) : {}), ...varOverrides } },
		}),
	],
	server: { host: "localhost" },
	preview: { host: "localhost" },
});
