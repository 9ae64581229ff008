import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /api/health", () => {
	it("answers ok without a session", async () => {
		const res = await exports.default.fetch("http://localhost/api/health");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true, service: "parlor" });
	});
});

describe("unknown /api routes", () => {
	it("answer a JSON 404 instead of the SPA", async () => {
		const res = await exports.default.fetch("http://localhost/api/does-not-exist");
		expect(res.status).toBe(404);
		expect(res.headers.get("content-type")).toContain("application/json");
		expect(await res.json()).toEqual({
			error: { code: "not_found", message: "No API route for GET /api/does-not-exist" },
		});
	});
});
