import { cloudflare } from "@cloudflare/vite-plugin";
import tailwindcss from "@tailwindcss/vite";
import { tanstackRouter } from "@tanstack/router-plugin/vite";
import { defineConfig } from "vite";
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

export default defineConfig({
	plugins: [
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
