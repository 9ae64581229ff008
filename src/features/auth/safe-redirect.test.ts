import { describe, expect, it } from "vitest";
import { safeRedirect } from "./safe-redirect";

const origin = "http://localhost:5173";

describe("safeRedirect", () => {
	it("keeps same-origin paths with their query and hash", () => {
		expect(safeRedirect("/rooms/general?x=1#m-5", origin)).toBe("/rooms/general?x=1#m-5");
	});

	it.each(["//evil.com", "https://evil.com/", "/\\evil.com", "javascript:alert(1)", "http://localhost:5174/"])(
		"sends %s home instead of off-site",
		(target) => {
			expect(safeRedirect(target, origin)).toBe("/");
		},
	);

	it("never loops back to the sign-in page", () => {
		expect(safeRedirect("/sign-in?redirect=/", origin)).toBe("/");
	});

	it("defaults to home", () => {
		expect(safeRedirect(undefined, origin)).toBe("/");
	});
});
