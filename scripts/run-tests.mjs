// `npm test`: everything CI runs, in order, on the project's Node. Prints one closing line
// `N passed, N failed` summed over every suite and exits non-zero if anything failed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

mkdirSync("test-results", { recursive: true });

/** @type {{ name: string; passed: number; failed: number; skipped: number }[]} */
const results = [];

/** @param {string} name @param {string[]} command */
function run(name, command) {
	console.log(`\n▶ ${name}: ${command.join(" ")}`);
	const started = Date.now();
	const child = spawnSync(command[0] ?? "", command.slice(1), { stdio: "inherit", env: process.env });
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	console.log(`◀ ${name} exited ${child.status ?? child.signal} after ${seconds}s`);
	return child.status === 0;
}

/**
 * A check that is not a test runner (lint, typecheck) counts as one test.
 * @param {string} name @param {string[]} command
 */
function check(name, command) {
	const ok = run(name, command);
	results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });
}

/**
 * A vitest suite, counted from its JSON report.
 * @param {string} name @param {string} config
 */
function vitest(name, config) {
	const report = `test-results/${name}.json`;
	rmSync(report, { force: true });
	const ok = run(name, [
		"vitest",
		"run",
		"--config",
		config,
		"--reporter=default",
		"--reporter=json",
		`--outputFile.json=${report}`,
	]);
	if (!existsSync(report)) return results.push({ name, passed: 0, failed: 1, skipped: 0 });
	const json = JSON.parse(readFileSync(report, "utf8"));
	const failed = json.numFailedTests + (ok || json.numFailedTests > 0 ? 0 : 1);
	results.push({ name, passed: json.numPassedTests, failed, skipped: json.numPendingTests + json.numTodoTests });
}

/**
 * The Playwright suite, counted from its JSON report.
 * @param {string} name
 */
function playwright(name) {
	const report = "test-results/e2e.json";
	rmSync(report, { force: true });
	const ok = run(name, ["playwright", "test"]);
	if (!existsSync(report)) return results.push({ name, passed: 0, failed: 1, skipped: 0 });
	const { stats } = JSON.parse(readFileSync(report, "utf8"));
	const failed = stats.unexpected + (ok || stats.unexpected > 0 ? 0 : 1);
	results.push({ name, passed: stats.expected + stats.flaky, failed, skipped: stats.skipped });
}

check("lint", ["biome", "ci", "."]);
check("typecheck", ["npm", "run", "--silent", "typecheck"]);
check("secrets", ["node", "scripts/scan-secrets.mjs"]);
check("schema", ["node", "scripts/schema-sql.mjs", "--check"]);
check("bundle", ["node", "scripts/check-bundle.mjs"]);
vitest("unit", "vitest.unit.config.ts");
vitest("workers", "vitest.workers.config.ts");
vitest("chaos", "vitest.chaos.config.ts");
playwright("e2e");

console.log("\nSuite        passed  failed  skipped");
for (const r of results) {
	console.log(
		`${r.name.padEnd(12)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}`,
	);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
