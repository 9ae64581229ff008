import { describe, expect, it } from "vitest";
import { safeRedirect } from "./safe-redirect";

const origin = "http://localhost:5173";

describe("safeRedirect", () => {
	it("keeps same-origin paths with their query and hash", () => {
		expect(safeRedirect("/rooms/general?x=1#m-5", origin)).toBe("/rooms/general?x=1#m-5");
	});

	it.each([
		"//evil.com",
		"https://evil.com/",
		"/\\evil.com",
		"javascript:alert(1)",
		"http://localhost:5174/",
		// Paths that only become protocol-relative once the URL parser resolves them.
		"/.//evil.example",
		"/%2e//evil.example",
		"/a/..//evil.example",
		"/./\\evil.example",
		"/..//evil.example/x?y#z",
	])("sends %s home instead of off-site", (target) => {
		expect(safeRedirect(target, origin)).toBe("/");
	});

	it("keeps paths whose later segments are empty", () => {
		expect(safeRedirect("/rooms//general", origin)).toBe("/rooms//general");
	});

	it("never loops back to the sign-in page", () => {
		expect(safeRedirect("/sign-in?redirect=/", origin)).toBe("/");
	});

	it("defaults to home", () => {
		expect(safeRedirect(undefined, origin)).toBe("/");
	});
});
