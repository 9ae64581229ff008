import { defineConfig } from "vitest/config";

// Pure logic shared by both sides (protocol parsing, the client cache merge) runs in plain Node.
export default defineConfig({
	test: {
		include: ["src/**/*.test.ts", "api/protocol/**/*.test.ts"],
		environment: "node",
	},
});
