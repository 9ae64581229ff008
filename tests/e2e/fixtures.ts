import { existsSync, readFileSync } from "node:fs";
import { test as base } from "@playwright/test";
import { SERVER_LOG } from "../../playwright.config";

/**
 * A random client address. Playwright restarts its worker after a failure, so a counter would
 * hand out the same addresses again within Better Auth's 10-second rate-limit window.
 */
export function randomIp(): string {
	const octet = () => 1 + Math.floor(Math.random() * 254);
	return `10.${octet()}.${octet()}.${octet()}`;
}

/**
 * Playwright's test, plus the server's log attached to every failing test. Each test also looks
 * like its own machine (`cf-connecting-ip`, which Cloudflare sets in production): Better Auth
 * allows 3 sign-ins per 10 s per address, and the whole suite otherwise shares one.
 */
export const test = base.extend<{ serverLogOnFailure: undefined }>({
	extraHTTPHeaders: async ({ extraHTTPHeaders }, use) => {
		await use({ ...extraHTTPHeaders, "cf-connecting-ip": randomIp() });
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
