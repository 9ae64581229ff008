import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HSTS, SECURITY_HEADERS } from "./security-headers";

const get = (url: string) => exports.default.fetch(new Request(url));

describe("security headers on the Worker's responses (issue 15.14)", () => {
	it.each(["/api/health", "/api/no-such-route", "/api/me"])("puts them on %s", async (path) => {
		const res = await get(`http://localhost:5173${path}`);
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
		expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
		expect(res.headers.get("strict-transport-security")).toBeNull();
	});

	it("adds HSTS only when the request came over https", async () => {
		const res = await get("https://localhost/api/health");
		expect(res.headers.get("strict-transport-security")).toBe(HSTS);
	});
});
