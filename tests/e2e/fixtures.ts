import { existsSync, readFileSync } from "node:fs";
import { test as base } from "@playwright/test";
import { SERVER_LOG } from "../../playwright.config";

let testCount = 0;

/**
 * Playwright's test, plus the server's log attached to every failing test. Each test also looks
 * like its own machine (`cf-connecting-ip`, which Cloudflare sets in production): Better Auth
 * allows 3 sign-ins per 10 s per address, and the whole suite otherwise shares one.
 */
export const test = base.extend<{ serverLogOnFailure: undefined }>({
	extraHTTPHeaders: async ({ extraHTTPHeaders }, use) => {
		testCount++;
		await use({
			...extraHTTPHeaders,
			"cf-connecting-ip": `10.1.${Math.floor(testCount / 250)}.${(testCount % 250) + 1}`,
		});
	},
	serverLogOnFailure: [
		async ({ browserName: _ }, use, testInfo) => {
			const offset = existsSync(SERVER_LOG) ? readFileSync(SERVER_LOG).length : 0;
			await use(undefined);
			if (testInfo.status !== testInfo.expectedStatus && existsSync(SERVER_LOG)) {
				const log = readFileSync(SERVER_LOG).subarray(offset);
				await testInfo.attach("server.log", { body: log, contentType: "text/plain" });
			}
		},
		{ auto: true },
	],
});

export { expect } from "@playwright/test";
