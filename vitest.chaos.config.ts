import { defineConfig } from "vitest/config";

// The chaos soak drives the real server in its own processes (tests/chaos/chaos-server.ts).
export default defineConfig({
	test: {
		include: ["tests/chaos/**/*.soak.ts"],
		environment: "node",
		testTimeout: 220_000,
	},
});
