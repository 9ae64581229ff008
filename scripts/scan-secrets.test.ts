import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scanFiles } from "./scan-secrets.mjs";

const dir = mkdtempSync(join(tmpdir(), "parlor-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the secrets scan", () => {
	it("flags a GitHub token and a private key, and passes ordinary config", () => {
		// Built at run time, so this file itself never holds something that looks like a secret.
		const token = ["ghp", "_", "R7kq2Zx9Vb4Nw8Lm3Pt6Yc1Hs5Jd0Gf2Ae7K"].join("");
		const key = ["-----BEGIN", " RSA PRIVATE KEY-----\nMIIEow", "IBAAKCAQEA0\n-----END RSA PRIVATE KEY-----\n"].join(
			"",
		);
		const leaky = join(dir, "config.env");
		writeFileSync(leaky, `GITHUB_TOKEN=${token}\nKEY="${key}"\n`);
		const clean = join(dir, "wrangler.jsonc");
		writeFileSync(clean, '{ "vars": { "BETTER_AUTH_URL": "", "GITHUB_CLIENT_ID": "parlor-local-github" } }\n');

		const found = scanFiles([leaky]);
		expect(found.clean).toBe(false);
		expect(found.output).toMatch(/GitHub/i);
		expect(found.output).not.toContain(token);
		expect(scanFiles([clean]).clean).toBe(true);
	}, 30_000);
});
