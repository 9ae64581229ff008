import { cloudflare } from "@cloudflare/vite-plugin";
import tailwindcss from "@tailwindcss/vite";
import { tanstackRouter } from "@tanstack/router-plugin/vite";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";
import { assetHeadersFile } from "./api/security-headers.ts";
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
 * The security headers of every static asset, as the `_headers` file Cloudflare's asset server
 * reads (api/security-headers.ts holds the values, which the Worker's own responses share).
 * Only in a build: `vite dev`'s hot reload injects inline styles the page policy forbids.
 */
function assetSecurityHeaders(extraImageOrigin?: string): Plugin {
	return {
		name: "parlor-asset-security-headers",
		apply: "build",
		generateBundle() {
			if (this.environment.name !== "client") return;
			this.emitFile({ type: "asset", fileName: "_headers", source: assetHeadersFile(extraImageOrigin) });
		},
	};
}

export default defineConfig(({ command }) => ({
	// The development tools (OAuth emulator routing, local mailbox) are in `vite dev` and in test
	// builds (PARLOR_DEV_TOOLS=1), never in a plain `vite build`: there the constant is false and
	// the bundler drops every branch it guards (api/dev-tools/flag.ts).
	define: { __PARLOR_DEV_TOOLS__: JSON.stringify(command === "serve" || process.env.PARLOR_DEV_TOOLS === "1") },
	plugins: [
		assetSecurityHeaders(oauthEmulator),
		tailwindcss(),
		// No route chunks: a first screen needs the shell, a room and (signed out) the sign-in page,
		// so every visitor loaded nearly all of them anyway, 13 files in all. Split, the router waited
		// for the room's chunk before it rendered: the first row showed 20–80 ms later (README).
		tanstackRouter({ target: "solid", autoCodeSplitting: false }),
		solid(),
		cloudflare({
			persistState: stateDir ? { path: stateDir } : true,
			inspectorPort: stateDir ? false : undefined,
			config: { vars: { ...(oauthEmulator ? emulatorVars(oauthEmulator) : {}), ...varOverrides } },
		}),
	],
	server: { host: "localhost" },
	preview: { host: "localhost" },
}));
