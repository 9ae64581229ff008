import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { EMULATOR_PORTS, emulatorVars } from "./scripts/oauth-emulator/clients.ts";

const migrations = await readD1Migrations("./migrations");

export default defineConfig({
	// The tests exercise the development tools (OAuth emulator routing, local mailbox) too.
	define: { __PARLOR_DEV_TOOLS__: "true" },
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.jsonc" },
			miniflare: {
				// The pool also reads .dev.vars; pin every value a test depends on.
				bindings: {
					BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
					BETTER_AUTH_URL: "",
					// Every other setting has its default (api/config.ts) unless a test depends on another:
					// a generous burst and almost no refill make the send limit exact within a test,
					MESSAGE_RATE_LIMIT_BURST: "60",
					MESSAGE_RATE_LIMIT_PER_SECOND: "0.01",
					// a frame budget a test can exhaust on purpose but not by accident,
					SOCKET_FRAME_BURST: "100",
					SOCKET_FRAMES_PER_SECOND: "50",
					// and a presence grace short enough to wait out, long enough to cover a reconnect.
					PRESENCE_GRACE_MS: "400",
					// Tests read unread counts from the room list soon after sending.
					LATEST_SEQ_COPY_MS: "200",
					// History reads reuse a member's access this long (the bound a removed member gets).
					ROOM_READ_CACHE_MS: "500",
					// API reads reuse a session this long (the bound a session ended elsewhere gets).
					SESSION_READ_CACHE_MS: "500",
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
