import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { sleep } from "./stats.ts";

const NODE = process.execPath;
const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;

/** Pins a command to CPUs (e.g. "0") when taskset exists, so the server and the generator do not share a core. */
export function pinned(cpus: string | null, command: string, args: string[]): [string, string[]] {
	return cpus && hasTaskset ? ["taskset", ["-c", cpus, command, ...args]] : [command, args];
}

export const pinning = hasTaskset ? "server on CPU 0, load generator on CPU 1 (taskset)" : "not pinned (no taskset)";

export type Server = {
	url: string;
	stop(): Promise<void>;
	/** CPU time the server has used so far, in ms, all its processes counted; null off Linux. */
	cpuMs(): number | null;
};
export type ParlorServer = Server & { stateDir: string; restart(): Promise<void> };

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100;

/**
 * User + system CPU of a process and all its descendants (wrangler, then the workerd it starts),
 * read from /proc: what serving the load cost, whichever thread or process did the work.
 */
function processTreeCpuMs(root: number | undefined): number | null {
	if (root === undefined || !existsSync("/proc/self/stat")) return null;
	const children = new Map<number, number[]>();
	const ticks = new Map<number, number>();
	for (const name of readdirSync("/proc")) {
		if (!/^\d+$/.test(name)) continue;
		try {
			// The command name can hold spaces and parentheses: the fields start after the last ")".
			const stat = readFileSync(`/proc/${name}/stat`, "utf8");
			const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			const pid = Number(name);
			const ppid = Number(fields[1]);
			ticks.set(pid, Number(fields[11]) + Number(fields[12]));
			children.set(ppid, [...(children.get(ppid) ?? []), pid]);
		} catch {
			// Exited while being read.
		}
	}
	let total = 0;
	const stack = [root];
	for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
		total += ticks.get(pid) ?? 0;
		stack.push(...(children.get(pid) ?? []));
	}
	return (total * 1000) / CLOCK_TICKS;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before ${url} answered`);
		try {
			if ((await fetch(url)).status < 500) return;
		} catch {
			// Not listening yet.
		}
		await sleep(250);
	}
	throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function start(
	name: string,
	cpus: string | null,
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv,
): ChildProcess {
	mkdirSync("bench/results/logs", { recursive: true });
	const log = createWriteStream(`bench/results/logs/${name}.log`);
	const [cmd, argv] = pinned(cpus, command, args);
	const child = spawn(cmd, argv, {
		// Local observability (wrangler's trace collector) streams a span for every event and every
		// storage call to a Durable Object in the same workerd process, on the server's pinned core;
		// on Cloudflare that pipeline runs outside the Worker. Off for every server, baselines too.
		env: { ...process.env, X_LOCAL_OBSERVABILITY: "false", ...env },
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	child.stdout?.pipe(log);
	child.stderr?.pipe(log);
	return child;
}

function stopper(child: ChildProcess): () => Promise<void> {
	return async () => {
		if (child.exitCode !== null || child.pid === undefined) return;
		try {
			process.kill(-child.pid, "SIGTERM");
		} catch {
			// Already gone.
		}
		await new Promise((resolve) => child.once("exit", resolve));
	};
}

/**
 * Parlor's production build (`vite build`) served by workerd on loopback, with its own state.
 * The bench raises the per-user send limit and retention so one publisher can drive the room.
 */
export async function startParlor(
	port: number,
	cpus: string | null,
	/** A second server reuses the first one's build, with its own state, log and extra `vars`. */
	variant: { name: string; vars: Record<string, string> } | null = null,
): Promise<ParlorServer> {
	const name = variant?.name ?? "parlor";
	const stateDir = variant ? `.wrangler/bench-state-${name}` : ".wrangler/bench-state";
	if (existsSync(stateDir)) rmSync(stateDir, { recursive: true, force: true });
	const env = {
		PARLOR_STATE_DIR: stateDir,
		CLOUDFLARE_CF_FETCH_ENABLED: "false",
		PARLOR_VARS: JSON.stringify({
			MESSAGE_RATE_LIMIT_BURST: "10000000",
			MESSAGE_RATE_LIMIT_PER_SECOND: "1000000",
			MESSAGE_RETENTION_COUNT: "5000000",
			MESSAGE_RETENTION_DAYS: "3650",
			// The fanout steps open up to 1,000 sockets as one user.
			ROOM_SOCKETS_PER_USER: "100000",
			// Load generators send far more frames per socket than a person could.
			SOCKET_FRAME_BURST: "10000000",
			SOCKET_FRAMES_PER_SECOND: "1000000",
		}),
	};
	const prepared = spawnSync(NODE, ["scripts/prepare-local.mjs", "--fresh"], {
		env: { ...process.env, ...env },
		stdio: "ignore",
	});
	if (prepared.status !== 0) throw new Error("prepare-local failed");
	if (!variant) {
		const built = spawnSync(NODE, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "warn"], {
			env: { ...process.env, ...env },
			stdio: "inherit",
		});
		if (built.status !== 0) throw new Error("vite build failed");
	}
	// The built Worker under `wrangler dev`, like the baseline Worker: `vite preview` would put a
	// Node proxy in front of every WebSocket frame and measure that instead of the runtime.
	const launch = () =>
		start(
			name,
			cpus,
			NODE,
			[
				"node_modules/wrangler/bin/wrangler.js",
				"dev",
				"--config",
				"dist/parlor/wrangler.json",
				"--port",
				String(port),
				"--ip",
				"localhost",
				"--persist-to",
				stateDir,
				"--show-interactive-dev-session=false",
				// The build's `vars` are the first server's; a variant adds its own at launch.
				...Object.entries(variant?.vars ?? {}).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
			],
			{ ...env, WRANGLER_SEND_METRICS: "false", CI: "true" },
		);
	const url = `http://localhost:${port}`;
	let child = launch();
	await waitFor(`${url}/api/health`, child, 60_000);
	return {
		url,
		stateDir,
		stop: () => stopper(child)(),
		cpuMs: () => processTreeCpuMs(child.pid),
		// Same build, same state: for writing rows into the room's SQLite file while it is stopped.
		async restart() {
			await stopper(child)();
			child = launch();
			await waitFor(`${url}/api/health`, child, 60_000);
		},
	};
}

/** The baseline Worker (bare broadcasting DO, plain SQL history route) under `wrangler dev`. */
export async function startBaselineWorker(
	port: number,
	cpus: string | null,
): Promise<Server & { restart(): Promise<void> }> {
	const stateDir = ".wrangler/bench-baseline-state";
	if (existsSync(stateDir)) rmSync(stateDir, { recursive: true, force: true });
	const launch = () =>
		start(
			"baseline-worker",
			cpus,
			NODE,
			[
				"node_modules/wrangler/bin/wrangler.js",
				"dev",
				"--config",
				"bench/baselines/worker/wrangler.jsonc",
				"--port",
				String(port),
				"--ip",
				"127.0.0.1",
				"--persist-to",
				stateDir,
				"--show-interactive-dev-session=false",
			],
			{ WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
		);
	const url = `http://127.0.0.1:${port}`;
	let child = launch();
	await waitFor(`${url}/nothing`, child, 60_000);
	return {
		url,
		stop: () => stopper(child)(),
		cpuMs: () => processTreeCpuMs(child.pid),
		async restart() {
			await stopper(child)();
			child = launch();
			await waitFor(`${url}/nothing`, child, 60_000);
		},
	};
}

/** The Node + ws broadcast server baseline. */
export async function startNodeWs(port: number, cpus: string | null): Promise<Server> {
	const child = start("node-ws", cpus, NODE, ["bench/baselines/node-ws-server.ts", String(port)], {});
	const url = `http://127.0.0.1:${port}`;
	await waitFor(`${url}/`, child, 15_000);
	return { url, stop: stopper(child), cpuMs: () => processTreeCpuMs(child.pid) };
}
