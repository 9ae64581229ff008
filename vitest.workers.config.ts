import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { EMULATOR_PORTS, emulatorVars } from "./scripts/oauth-emulator/clients.ts";

const migrations = await readD1Migrations("./migrations");

export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.jsonc" },
			miniflare: {
				// The pool also reads .dev.vars; pin every value a test depends on.
				bindings: {
					BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
					BETTER_AUTH_URL: "",
					MESSAGE_RETENTION_COUNT: "10000",
					MESSAGE_RETENTION_DAYS: "30",
					// A generous burst and almost no refill make the limit exact within a test.
					MESSAGE_RATE_LIMIT_BURST: "60",
					MESSAGE_RATE_LIMIT_PER_SECOND: "0.01",
					ROOM_SOCKETS_PER_USER: "10",
					// Short enough to wait out in a test, long enough to cover a reconnect in one.
					PRESENCE_GRACE_MS: "400",
					TEST_MIGRATIONS: migrations,
					// GitHub, Google and X, routed to the emulator that globalSetup starts.
					...emulatorVars(`http://127.0.0.1:${EMULATOR_PORTS.workers}`),
				},
			},
		}),
	],
	test: {
		include: ["api/**/*.test.ts", "tests/workers/**/*.test.ts"],
		setupFiles: ["./tests/workers/apply-migrations.ts"],
		globalSetup: ["./tests/workers/oauth-emulator-setup.ts"],
	},
});
