import { defineConfig } from "vitest/config";

// Pure logic (protocol parsing, the client cache merge, the OAuth emulator) runs in plain Node.
export default defineConfig({
	test: {
		include: ["src/**/*.test.ts", "api/protocol/**/*.test.ts", "scripts/**/*.test.ts", "tests/chaos/**/*.test.ts"],
		environment: "node",
	},
});
