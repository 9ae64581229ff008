import { describe, expect, it } from "vitest";
import { oauthErrorMessage } from "./oauth-errors";

describe("oauthErrorMessage", () => {
	it("explains a cancelled consent without blaming the user", () => {
		expect(oauthErrorMessage("access_denied")).toMatch(/cancelled/);
	});
	it("treats replayed or stale state as an expired attempt", () => {
		expect(oauthErrorMessage("state_mismatch")).toMatch(/expired or was already used/);
	});
	it("shows unknown codes truncated, never as markup", () => {
		const message = oauthErrorMessage(`<img src=x>${"a".repeat(100)}`);
		expect(message.length).toBeLessThan(120);
		expect(message).toContain("<img src=x>");
	});
});
