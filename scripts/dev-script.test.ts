import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// `npm run dev` as a person meets it, on its own local state (PARLOR_STATE_DIR) so the tests never
// touch a developer's.
const state = mkdtempSync(join(tmpdir(), "parlor-dev-"));
afterAll(() => rmSync(state, { recursive: true, force: true }));
const env = { ...process.env, PARLOR_STATE_DIR: state, PARLOR_OAUTH_EMULATOR: "off" };

describe("npm run dev (issue 16)", () => {
	it("says it applied migrations only when it did", () => {
		const run = () => spawnSync(process.execPath, ["scripts/prepare-local.mjs"], { env, encoding: "utf8" }).stdout;
		expect(run()).toMatch(/Applied \d+ local D1 migrations?\./);
		const again = run();
		expect(again).toContain("Local D1 is up to date.");
		expect(again).not.toMatch(/Applied/);
	}, 60_000);

	it("says which port it took when 5173 is busy", async () => {
		const blocker: Server = createServer();
		await new Promise<void>((resolve) => {
			blocker.once("error", () => resolve());
			blocker.listen({ port: 5173, host: "localhost" }, () => resolve());
		});
		const child: ChildProcess = spawn(process.execPath, ["scripts/dev.mjs"], { env, detached: true });
		let out = "";
		try {
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no port message in: ${out}`)), 45_000);
				child.stdout?.on("data", (chunk) => {
					out += String(chunk);
					if (/Port 5173 is busy, so Parlor is on port \d+/.test(out)) {
						clearTimeout(timer);
						resolve();
					}
				});
			});
		} finally {
			if (child.pid) process.kill(-child.pid, "SIGTERM");
			blocker.close();
		}
		expect(out).toMatch(/http:\/\/localhost:51\d\d\//);
	}, 60_000);
});
