import { describe, expect, it } from "vitest";
import { oauthErrorMessage } from "./oauth-errors";

describe("oauthErrorMessage", () => {
	it("explains a cancelled consent without blaming the user", () => {
		expect(oauthErrorMessage("access_denied")).toMatch(/cancelled/);
	});
	it("treats replayed or stale state as an expired attempt", () => {
		expect(oauthErrorMessage("state_mismatch")).toMatch(/expired or was already used/);
	});
	it("explains a used or expired email link", () => {
		expect(oauthErrorMessage("INVALID_TOKEN")).toMatch(/link expired/);
	});
	it.each([`<img src=x>${"a".repeat(100)}`, "Your account is locked, call +1 555 0100 to unlock it", "\u202Egnp.exe"])(
		"never echoes an unknown code (%s) into the page",
		(code) => {
			const message = oauthErrorMessage(code);
			expect(message).toBe("Sign-in did not complete. Please try again.");
		},
	);
});
