import { cloudflare } from "@cloudflare/vite-plugin";
import tailwindcss from "@tailwindcss/vite";
import { tanstackRouter } from "@tanstack/router-plugin/vite";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// Tests and benchmarks run the real server on their own port against their own local state
// (D1, KV, Durable Objects), so they never touch the state `npm run dev` uses.
const stateDir = process.env.PARLOR_STATE_DIR;

export default defineConfig({
	plugins: [
		tailwindcss(),
		tanstackRouter({ target: "solid", autoCodeSplitting: true }),
		solid(),
		cloudflare({
			persistState: stateDir ? { path: stateDir } : true,
			inspectorPort: stateDir ? false : undefined,
		}),
	],
	server: { host: "localhost" },
	preview: { host: "localhost" },
});
