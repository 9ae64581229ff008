// Scans every file git tracks for committed secrets (API keys, tokens, private keys, passwords in
// URLs) with secretlint's recommended rules. Run by `npm test`; exits non-zero on a finding.
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";

/**
 * Runs secretlint over `files`; returns whether they are clean and what it printed.
 * @param {string[]} files
 */
export function scanFiles(files) {
	// Through Node directly: the CLI's bin is a Node script, and this keeps the project's Node.
	const result = spawnSync(process.execPath, ["node_modules/secretlint/bin/secretlint.js", "--maskSecrets", ...files], {
		encoding: "utf8",
	});
	return { clean: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	const listed = spawnSync("git", ["ls-files", "-z"], { encoding: "utf8" });
	if (listed.status !== 0) {
		console.error("git ls-files failed: the scan needs a git checkout.");
		process.exit(1);
	}
	const files = listed.stdout.split("\0").filter((f) => f && !f.endsWith(".png"));
	const { clean, output } = scanFiles(files);
	process.stdout.write(output);
	console.log(clean ? `No secrets found in ${files.length} tracked files.` : "Secrets found: see above.");
	process.exit(clean ? 0 : 1);
}
