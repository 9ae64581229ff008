import { existsSync, readFileSync } from "node:fs";
import { test as base } from "@playwright/test";
import { SERVER_LOG } from "../../playwright.config";

/** Playwright's test, plus the server's log attached to every failing test. */
export const test = base.extend<{ serverLogOnFailure: undefined }>({
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
