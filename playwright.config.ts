import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./scripts/chromium-args.ts";
import { EMULATOR_PORTS } from "./scripts/oauth-emulator/clients.ts";

const PORT = Number(process.env.E2E_PORT ?? 5199);
const STATE_DIR = ".wrangler/e2e-state";
export const SERVER_LOG = "test-results/e2e-server.log";
export const baseURL = `http://localhost:${PORT}`;
export const EMULATOR_URL = `http://127.0.0.1:${EMULATOR_PORTS.e2e}`;

export default defineConfig({
	testDir: "tests/e2e",
	outputDir: "test-results/e2e",
	// Two cores: one browser at a time next to workerd keeps timings honest and tests stable.
	workers: 1,
	fullyParallel: false,
	forbidOnly: Boolean(process.env.CI),
	retries: 0,
	timeout: 30_000,
	expect: { timeout: 7_500 },
	reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
	use: {
		baseURL,
		trace: "retain-on-failure",
		screenshot: "only-on-failure",
		launchOptions: {
			executablePath: CHROMIUM_PATH,
			args: CHROMIUM_ARGS,
		},
	},
	projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
	webServer: [
		{
			// GitHub, Google and X, played by the local emulator (scripts/oauth-emulator) on loopback.
			command: `node scripts/oauth-emulator/server.ts --port ${EMULATOR_PORTS.e2e}`,
			url: `${EMULATOR_URL}/health`,
			reuseExistingServer: !process.env.CI,
			timeout: 30_000,
		},
		{
			// The production build in workerd (vite preview) on its own port and its own local state.
			// Its output goes to a log file that failing tests attach (tests/e2e/fixtures.ts).
			command: `mkdir -p test-results && (node scripts/prepare-local.mjs --fresh && vite build --logLevel warn && vite preview --port ${PORT} --strictPort) > ${SERVER_LOG} 2>&1`,
			url: `${baseURL}/api/health`,
			env: {
				PARLOR_STATE_DIR: STATE_DIR,
				CLOUDFLARE_CF_FETCH_ENABLED: "false",
				// wrangler's local trace collector writes a span for every event and storage call to a
				// Durable Object in the same process; Cloudflare runs that pipeline elsewhere (as the bench).
				X_LOCAL_OBSERVABILITY: "false",
				PARLOR_OAUTH_EMULATOR: EMULATOR_URL,
				// A test build: OAuth emulator routing and the local mailbox included.
				PARLOR_DEV_TOOLS: "1",
				// Tests seed rooms with up to 1,000 messages from one user; the limits are tested in workerd.
				PARLOR_VARS: JSON.stringify({
					MESSAGE_RATE_LIMIT_BURST: "5000",
					MESSAGE_RATE_LIMIT_PER_SECOND: "1000",
					SOCKET_FRAME_BURST: "5000",
					SOCKET_FRAMES_PER_SECOND: "1000",
				}),
			},
			reuseExistingServer: !process.env.CI,
			timeout: 120_000,
		},
	],
});
