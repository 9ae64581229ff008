// `npm run dev` (and `npm run preview` with --preview): prepares local state, starts the local
// OAuth emulator when no real provider credentials are configured, then runs Vite with the Worker.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

const preview = process.argv.includes("--preview");
const EMULATOR_PORT = 5299;
const EMULATOR_URL = `http://127.0.0.1:${EMULATOR_PORT}`;

const prepared = spawnSync(process.execPath, ["scripts/prepare-local.mjs"], { stdio: "inherit" });
if (prepared.status !== 0) process.exit(prepared.status ?? 1);

const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
const hasRealProvider = /^(GITHUB|GOOGLE|TWITTER)_CLIENT_ID\s*=\s*\S/m.test(devVars);
const emulatorWanted = !hasRealProvider && process.env.PARLOR_OAUTH_EMULATOR !== "off";

/** @type {import("node:child_process").ChildProcess[]} */
const children = [];

async function emulatorAlreadyUp() {
	try {
		const res = await fetch(`${EMULATOR_URL}/health`);
		return res.ok;
	} catch {
		return false;
	}
}

/** @type {NodeJS.ProcessEnv} */
// A local build carries the development tools (OAuth emulator routing, the local mailbox).
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", PARLOR_DEV_TOOLS: "1" };
if (emulatorWanted) {
	if (!(await emulatorAlreadyUp())) {
		children.push(
			spawn(process.execPath, ["scripts/oauth-emulator/server.ts", "--port", String(EMULATOR_PORT)], {
				stdio: "inherit",
			}),
		);
	}
	env.PARLOR_OAUTH_EMULATOR = EMULATOR_URL;
	console.log(`GitHub, Google and X sign-in go to the local OAuth emulator at ${EMULATOR_URL}.`);
} else if (hasRealProvider) {
	console.log("OAuth credentials found in .dev.vars: using the real providers, no emulator.");
} else {
	delete env.PARLOR_OAUTH_EMULATOR;
}

console.log("Mail (email confirmation, password reset) goes to the local mailbox: its links are printed here.");

// A port of your choosing: `npm run dev -- --port 3000` or `PORT=3000 npm run dev`. Without one,
// the app takes 5173 (4173 for preview), or the next free port when that one is busy, and says so.
const extra = process.argv.slice(2).filter((arg) => arg !== "--preview");
if (!extra.includes("--port")) {
	const wanted = Number(process.env.PORT) || (preview ? 4173 : 5173);
	const port = process.env.PORT ? wanted : await firstFreePort(wanted);
	if (port !== wanted) console.log(`Port ${wanted} is busy, so Parlor is on port ${port}: http://localhost:${port}/`);
	extra.push("--port", String(port), "--strictPort");
}

/** @param {number} from */
async function firstFreePort(from) {
	for (let port = from; port < from + 20; port++) if (await isFree(port)) return port;
	return from;
}

/** @param {number} port */
function isFree(port) {
	return new Promise((resolve) => {
		const probe = createServer();
		probe.once("error", () => resolve(false));
		probe.listen({ port, host: "localhost" }, () => probe.close(() => resolve(true)));
	});
}

const vite = "node_modules/vite/bin/vite.js";
const steps = preview
	? [
			[vite, "build"],
			[vite, "preview", ...extra],
		]
	: [[vite, "dev", ...extra]];
for (const [index, args] of steps.entries()) {
	const last = index === steps.length - 1;
	const child = spawn(process.execPath, args, { stdio: "inherit", env });
	children.push(child);
	/** @type {number} */
	const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
	if (!last && code !== 0) shutdown(code);
	if (last) shutdown(code);
}

/** @param {number} code */
function shutdown(code) {
	for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
	process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => shutdown(0));
