// Proves the production bundle carries no development tools: builds the app as `npm run build`
// does (no PARLOR_DEV_TOOLS) and looks for code that only the dev tools contain (the OAuth
// emulator routing, the local mailbox). Exits non-zero if any is found. Part of `npm test`.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Strings found only in api/dev-tools/ and the dev routes (mailbox, archive pause). */
const MARKERS = [
	"oauth_emulator_refused",
	"OAUTH_EMULATOR_URL must be",
	"dev-mail:",
	"[local mailbox]",
	"/mailbox",
	"/archive-paused",
];

/** @type {NodeJS.ProcessEnv} */
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" };
delete env.PARLOR_DEV_TOOLS;
delete env.PARLOR_OAUTH_EMULATOR;
const built = spawnSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "warn"], {
	stdio: "inherit",
	env,
});
if (built.status !== 0) process.exit(built.status ?? 1);

const files = readdirSync("dist", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
const found = [];
for (const file of files) {
	const text = readFileSync(join("dist", file), "utf8");
	for (const marker of MARKERS) if (text.includes(marker)) found.push(`${file}: ${marker}`);
}
if (files.length === 0) {
	console.error("check-bundle: the build wrote no JavaScript under dist/");
	process.exit(1);
}
if (found.length > 0) {
	console.error(`check-bundle: development tools in the production bundle:\n  ${found.join("\n  ")}`);
	process.exit(1);
}
console.log(`check-bundle: ${files.length} files, no development tools in the production bundle.`);
