import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getAuth } from "../../auth";
import { EmulatorRoutingRefused, emulatorOrigin, toEmulatorUrl } from "./emulator-routing";

const withVars = (vars: Partial<Env>): Env => ({ ...env, ...vars });

describe("OAuth emulator routing (development and tests only)", () => {
	it("maps each provider endpoint under the emulator by host, and leaves other URLs alone", () => {
		const origin = "http://127.0.0.1:5299";
		expect(toEmulatorUrl("https://github.com/login/oauth/authorize?x=1", origin)).toBe(
			`${origin}/github.com/login/oauth/authorize?x=1`,
		);
		expect(toEmulatorUrl("https://api.x.com/2/users/me", origin)).toBe(`${origin}/api.x.com/2/users/me`);
		expect(toEmulatorUrl("https://example.com/github.com", origin)).toBeNull();
		expect(toEmulatorUrl("http://github.com/login", origin)).toBeNull();
	});

	it.each([
		["an emulator off loopback", { OAUTH_EMULATOR_URL: "http://10.0.0.5:5299" }, "http://localhost:5173/"],
		["an https emulator", { OAUTH_EMULATOR_URL: "https://127.0.0.1:5299" }, "http://localhost:5173/"],
		["an app served over https", { OAUTH_EMULATOR_URL: "http://127.0.0.1:5299" }, "https://localhost/"],
		[
			"a public https app URL",
			{ OAUTH_EMULATOR_URL: "http://127.0.0.1:5299", BETTER_AUTH_URL: "https://parlor.example" },
			"http://localhost:5173/",
		],
	])("refuses to run with %s", (_label, vars, requestUrl) => {
		expect(() => emulatorOrigin(withVars(vars), requestUrl)).toThrow(EmulatorRoutingRefused);
	});

	it("is off without OAUTH_EMULATOR_URL", () => {
		expect(emulatorOrigin(withVars({ OAUTH_EMULATOR_URL: "" }), "http://localhost:5173/")).toBeNull();
	});

	it("answers auth requests over https with a clear 500 instead of routing them to the emulator", async () => {
		const res = await exports.default.fetch(
			new Request("https://localhost/api/auth/sign-in/social", {
				method: "POST",
				headers: { "content-type": "application/json", origin: "https://localhost" },
				body: JSON.stringify({ provider: "github" }),
			}),
		);
		expect(res.status).toBe(500);
		expect(await res.json()).toMatchObject({ error: { code: "oauth_emulator_refused" } });
	});
});

describe("cookies", () => {
	it("are Secure with a __Secure- prefix when the app is served over https", async () => {
		const auth = getAuth(withVars({ BETTER_AUTH_URL: "https://parlor.example", OAUTH_EMULATOR_URL: "" }));
		const res = await auth.handler(
			new Request("https://parlor.example/api/auth/sign-in/anonymous", {
				method: "POST",
				headers: { "content-type": "application/json", origin: "https://parlor.example" },
				body: "{}",
			}),
		);
		expect(res.ok).toBe(true);
		const cookies = res.headers.getSetCookie();
		const session = cookies.find((c) => c.includes("session_token="));
		expect(session).toMatch(/^__Secure-better-auth\.session_token=/);
		expect(session).toMatch(/; Secure/i);
		expect(session).toMatch(/; HttpOnly/i);
	});
});
