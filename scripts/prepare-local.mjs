// Makes a fresh clone runnable: creates .dev.vars with a random secret when it is missing and
// applies the D1 migrations to the local database that `vite dev` / `vite preview` use.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const fresh = process.argv.includes("--fresh");
const stateDir = process.env.PARLOR_STATE_DIR;

if (!existsSync(".dev.vars")) {
	const example = readFileSync(".dev.vars.example", "utf8");
	const secret = randomBytes(32).toString("base64url");
	writeFileSync(".dev.vars", example.replace(/^BETTER_AUTH_SECRET=.*$/m, `BETTER_AUTH_SECRET=${secret}`));
	console.log("Created .dev.vars with a random BETTER_AUTH_SECRET.");
}

if (fresh && stateDir) rmSync(stateDir, { recursive: true, force: true });

const args = ["d1", "migrations", "apply", "DB", "--local"];
if (stateDir) args.push("--persist-to", stateDir);
// Run wrangler on the same Node that runs this script (npm scripts get the project's Node 24).
const result = spawnSync(process.execPath, ["node_modules/wrangler/bin/wrangler.js", ...args], {
	stdio: ["ignore", "pipe", "inherit"],
	env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
	encoding: "utf8",
});
if (result.status !== 0) {
	if (result.error) console.error(result.error.message);
	process.stdout.write(result.stdout ?? "");
	console.error("Applying local D1 migrations failed.");
	process.exit(result.status ?? 1);
}
// Wrangler prints a table of migrations per step ("0004_x.sql │ ✅"); each name counts once.
const applied = new Set([...result.stdout.matchAll(/│\s*(\S+\.sql)\s*│\s*✅/g)].map((m) => m[1])).size;
console.log(applied ? `Applied ${applied} local D1 migration${applied === 1 ? "" : "s"}.` : "Local D1 is up to date.");
