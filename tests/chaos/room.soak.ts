// The chaos soak: 20 clients send 500 messages each into one room of the real server (the
// production build in workerd, persisted state), and edit, delete and react to messages as they
// go, while their connections drop at random and the room is evicted to hibernation, evicted with
// its sockets closed, and the whole server process is killed (SIGKILL) and started again on the
// same state. The queue checker then proves that nothing acknowledged was lost or repeated and
// that every client ends with the stored history, edits, tombstones and reactions included, and
// that the D1 search archive caught up and holds every live message exactly once, as it is now.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ChaosCommand, ChaosReply } from "./chaos-server.ts";
import { checkQueue } from "./queue-checker.ts";
import { createRoom, fetchHistory, fetchLog, guestCookie, SoakClient, seenOf } from "./soak-client.ts";

const PORT = Number(process.env.CHAOS_PORT ?? 5499);
const STATE_DIR = ".wrangler/chaos-state";
const LOG = "test-results/chaos-server.log";
const CLIENTS = 20;
const MESSAGES = 500;
const ROOM = "chaos-soak";
type Fault = "evict to hibernation" | "evict, sockets closed" | "kill -9 and restart";
const FAULTS: Fault[] = [
	"evict to hibernation",
	"evict, sockets closed",
	"kill -9 and restart",
	"evict to hibernation",
	"evict, sockets closed",
	"kill -9 and restart",
	"evict to hibernation",
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let server: ChildProcess | null = null;
let commandId = 0;

async function startServer(): Promise<string> {
	mkdirSync("test-results", { recursive: true });
	const log = createWriteStream(LOG, { flags: "a" });
	// Its own process group, so a kill takes workerd down with it, like a crashed machine.
	const child = spawn(process.execPath, ["tests/chaos/chaos-server.ts", String(PORT), STATE_DIR], {
		stdio: ["ignore", "pipe", "pipe", "ipc"],
		detached: true,
	});
	child.stdout?.pipe(log);
	child.stderr?.pipe(log);
	server = child;
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`chaos server not ready in 30 s (see ${LOG})`)), 30_000);
		child.on("message", (reply: ChaosReply) => {
			if ("ready" in reply) {
				clearTimeout(timer);
				resolve(reply.ready);
			}
		});
		child.once("exit", (code) => reject(new Error(`chaos server exited with ${code} (see ${LOG})`)));
	});
}

async function killServer(): Promise<void> {
	const child = server;
	// Exited on its own (exitCode) or by a signal (signalCode): nothing left to kill or wait for.
	if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once("exit", resolve));
	process.kill(-child.pid, "SIGKILL");
	await exited;
}

function evict(webSockets: ChaosCommand["webSockets"]): Promise<void> {
	const child = server;
	if (!child) throw new Error("no server");
	const id = ++commandId;
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no answer to eviction ${id} within 10 s`)), 10_000);
		const onReply = (reply: ChaosReply) => {
			if (!("id" in reply) || reply.id !== id) return;
			clearTimeout(timer);
			child.off("message", onReply);
			if (reply.ok) resolve();
			else reject(new Error(reply.error));
		};
		child.on("message", onReply);
		child.send({ id, evictRoom: ROOM, webSockets } satisfies ChaosCommand);
	});
}

beforeAll(() => {
	for (const [script, args] of [
		["scripts/prepare-local.mjs", ["--fresh"]],
		["node_modules/vite/bin/vite.js", ["build", "--logLevel", "warn"]],
	] as const) {
		const r = spawnSync(process.execPath, [script, ...args], {
			stdio: "inherit",
			env: { ...process.env, PARLOR_STATE_DIR: STATE_DIR },
		});
		if (r.status !== 0) throw new Error(`${script} failed`);
	}
}, 120_000);

afterAll(async () => {
	await killServer();
});

it(`keeps every acked message exactly once: ${CLIENTS} clients × ${MESSAGES} messages through drops, evictions and kill -9`, async () => {
	const base = await startServer();
	const clients: SoakClient[] = [];
	for (let i = 0; i < CLIENTS; i++) {
		const name = `c${String(i).padStart(2, "0")}`;
		const cookie = await guestCookie(base);
		if (i === 0) await createRoom(base, cookie, ROOM);
		// The first client made the room, so it owns it and may delete anyone's message.
		clients.push(new SoakClient(name, base, ROOM, cookie, MESSAGES, 8, i === 0));
	}
	for (const c of clients) c.connect();

	const total = CLIENTS * MESSAGES;
	const acked = () => clients.reduce((n, c) => n + c.acked, 0);
	const faults: string[] = [];
	let drops = 0;
	const started = Date.now();
	const deadline = started + 100_000;
	let faultIndex = 0;
	while (!clients.every((c) => c.done)) {
		if (Date.now() > deadline) throw new Error(`soak did not finish: ${acked()} of ${total} acked`);
		for (const c of clients) c.sendNext();
		// A flaky network: now and then a client loses its connection without a close frame.
		if (Math.random() < 0.25) {
			clients[Math.floor(Math.random() * CLIENTS)]?.drop();
			drops++;
		}
		// Faults at evenly spread points of progress, so each lands while messages are in flight.
		const fault = FAULTS[faultIndex];
		if (fault && acked() >= ((faultIndex + 1) / (FAULTS.length + 1)) * total) {
			faultIndex++;
			const t = Date.now();
			if (fault === "kill -9 and restart") {
				await killServer();
				await startServer();
			} else {
				await evict(fault === "evict to hibernation" ? "hibernate" : "close");
			}
			faults.push(`${fault} at ${acked()} acked (${Date.now() - t} ms)`);
		}
		await sleep(25);
	}
	const sendSeconds = (Date.now() - started) / 1000;

	// One more client fires 10 messages and disappears before their acks: each may be stored, once.
	const quitter = new SoakClient("quitter", base, ROOM, await guestCookie(base), 10, 10);
	quitter.connect();
	await quitter.quitMidSend();
	// Frames already on the wire are still handled after the socket is gone; let them land.
	await sleep(500);

	await Promise.all(clients.map((c) => c.finalSync(20_000)));
	const stored = await fetchHistory(base, ROOM, clients[0]?.cookie ?? "");
	const log = await fetchLog(base, ROOM, clients[0]?.cookie ?? "");
	for (const c of clients) c.stop();
	const history = stored.map(seenOf);
	const report = checkQueue([...clients.map((c) => c.record), quitter.record], history);
	// Changes are idempotent too: one seq per clientId however often it was resent, each edit
	// stored once, and a message deleted once.
	const changeSeq = new Map<string, number>();
	const conflictingChangeAcks: string[] = [];
	for (const { clientId, seq } of clients.flatMap((c) => c.changeAcks)) {
		const earlier = changeSeq.get(clientId);
		if (earlier !== undefined && earlier !== seq) conflictingChangeAcks.push(`${clientId}: ${earlier} and ${seq}`);
		changeSeq.set(clientId, earlier ?? seq);
	}
	const count = (keys: string[]) => [...new Set(keys)].filter((k) => keys.indexOf(k) !== keys.lastIndexOf(k));
	const editsTwice = count(log.flatMap((e) => (e.kind === "edit" && e.text ? [e.text] : [])));
	const deletedTwice = count(log.flatMap((e) => (e.kind === "delete" ? [e.messageId] : [])));
	const changes = log.filter((e) => e.kind !== "create");
	const sentIds = clients.reduce((n, c) => n + c.record.sent.length, 0);
	console.log(
		[
			`chaos soak: ${report.sent} sent, ${report.acked} acked, ${report.stored} stored, ` +
				`${report.lost.length} lost, ${report.duplicated.length} duplicated, ${report.unackedStored} stored without an ack`,
			`${changes.length} changes stored (${changes.filter((e) => e.kind === "edit").length} edits, ${changes.filter((e) => e.kind === "delete").length} deletes, ${changes.filter((e) => e.kind === "react").length} reactions), ${changeSeq.size} acked, ${clients.reduce((n, c) => n + c.refused, 0)} refused (target deleted meanwhile)`,
			`${faults.length} faults, ${drops} random drops, ${clients.reduce((n, c) => n + c.connects, 0)} connects, ${sendSeconds.toFixed(1)} s`,
			...faults.map((f) => `  fault: ${f}`),
		].join("\n"),
	);
	expect(sentIds).toBe(total);
	expect(faults.length).toBeGreaterThanOrEqual(6);
	expect(clients.flatMap((c) => c.errors)).toEqual([]);
	expect(report.stored - total).toBe(report.unackedStored + quitter.record.acks.length);
	expect(report).toMatchObject({
		sent: total + 10,
		acked: total + quitter.record.acks.length,
		lost: [],
		duplicated: [],
		phantom: [],
		seqBreaks: [],
		conflictingAcks: [],
		divergentViews: [],
		ok: true,
	});
	expect(history[0]?.n).toBe(1);
	expect(changes.length).toBeGreaterThan(500);
	expect({ conflictingChangeAcks, editsTwice, deletedTwice }).toEqual({
		conflictingChangeAcks: [],
		editsTwice: [],
		deletedTwice: [],
	});

	// The search archive, copied by the room's alarm through the same faults, catches up...
	const owner = clients[0]?.cookie ?? "";
	const t = Date.now();
	let sync: { latestSeq: number; archivedSeq: number; pending: number } | null = null;
	while (Date.now() - t < 60_000) {
		sync = await (await fetch(`${base}/api/rooms/${ROOM}/sync`, { headers: { cookie: owner } })).json();
		if (sync?.pending === 0 && sync.archivedSeq === sync.latestSeq) break;
		await sleep(500);
	}
	console.log(`archive caught up in ${Date.now() - t} ms after the last sync: ${JSON.stringify(sync)}`);
	expect(sync).toMatchObject({ pending: 0, archivedSeq: sync?.latestSeq });
	const check = await (await fetch(`${base}/api/rooms/${ROOM}/archive/check`, { headers: { cookie: owner } })).json();
	expect(check).toMatchObject({ ok: true, mismatchedBlocks: [] });
	// ...and holds each live message once, with its current text (read from D1's own file).
	const d1Dir = join(STATE_DIR, "v3/d1/miniflare-D1DatabaseObject");
	const file = readdirSync(d1Dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
	if (!file) throw new Error(`no D1 database under ${d1Dir}`);
	const d1 = new DatabaseSync(join(d1Dir, file), { readOnly: true });
	const rows = d1
		.prepare(`SELECT "seq", "text", "rev" FROM "archive_message" WHERE "roomId" = ? ORDER BY "seq"`)
		.all(ROOM) as Array<{ seq: number; text: string; rev: number }>;
	d1.close();
	const live = stored.filter((m) => !m.deleted);
	expect(rows.length).toBe(live.length);
	expect(rows).toEqual(live.map((m) => ({ seq: m.seq, text: m.text, rev: m.rev })));
}, 220_000);
