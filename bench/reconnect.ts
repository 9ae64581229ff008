// Reconnect (issue 21): `clients` sockets in one room while a publisher posts, then the server
// process is stopped and started again on the same state. Each client reconnects as the app does
// (it says `hello {since}` with the last seq it holds) and counts as live once it holds every seq
// up to the room's latest from the welcome, with no hole. Reported: the time from the server
// answering again (its health check) until each client is live, p50 / p99 / max.
import WebSocket from "ws";
import { PROTOCOL_VERSION } from "../api/protocol/version.ts";
import { ensureRoom, guestCookie } from "./lib/room-clients.ts";
import type { ParlorServer } from "./lib/servers.ts";
import { percentile, round, sleep } from "./lib/stats.ts";

/** How soon a client tries again after its socket closed or failed to open (the app backs off more). */
const RETRY_MS = 100;

export type ReconnectResult = {
	clients: number;
	sentBefore: number;
	restartMs: number;
	liveP50: number;
	liveP99: number;
	liveMax: number;
	allLive: boolean;
	holes: number;
};

type Frame = {
	type: string;
	latestSeq?: number;
	events?: Array<{ kind: string; seq?: number; message?: { seq: number } }>;
};

/** One client of the room: the seqs it holds, whether it is live, and its own reconnect loop. */
class ResumingClient {
	held = new Set<number>();
	lastSeq = 0;
	liveAt: number | null = null;
	/** Welcomes received: a client is live again only after a welcome from the restarted server. */
	welcomes = 0;
	private latestAtWelcome = 0;
	private ws: WebSocket | null = null;
	private stopped = false;

	private readonly url: string;
	private readonly headers: Record<string, string>;

	constructor(url: string, headers: Record<string, string>) {
		this.url = url;
		this.headers = headers;
	}

	connect(): void {
		if (this.stopped) return;
		const ws = new WebSocket(this.url, { headers: this.headers, perMessageDeflate: false });
		this.ws = ws;
		ws.on("open", () => ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, since: this.lastSeq })));
		ws.on("message", (data) => this.onFrame(JSON.parse(String(data)) as Frame));
		const again = () => {
			if (this.ws !== ws) return;
			this.ws = null;
			this.liveAt = null;
			setTimeout(() => this.connect(), RETRY_MS + Math.random() * RETRY_MS);
		};
		ws.on("close", again);
		ws.on("error", () => ws.terminate());
	}

	private onFrame(frame: Frame): void {
		if (frame.type === "welcome") {
			this.welcomes++;
			this.latestAtWelcome = frame.latestSeq ?? 0;
		} else if (frame.type === "events") {
			for (const e of frame.events ?? []) {
				const seq = e.kind === "create" ? e.message?.seq : e.seq;
				if (seq !== undefined) this.held.add(seq);
			}
			while (this.held.has(this.lastSeq + 1)) this.lastSeq++;
		} else return;
		if (this.liveAt === null && this.lastSeq >= this.latestAtWelcome) this.liveAt = performance.now();
	}

	/** The socket, while it is open. */
	open(): WebSocket | null {
		return this.ws?.readyState === WebSocket.OPEN ? this.ws : null;
	}

	/** Seqs missing below the highest one held. */
	holes(): number {
		const top = Math.max(0, ...this.held);
		return top - this.held.size;
	}

	stop(): void {
		this.stopped = true;
		this.ws?.terminate();
	}
}

export async function reconnectBench(parlor: ParlorServer, clients: number): Promise<ReconnectResult> {
	const room = "bench-reconnect";
	const cookie = await guestCookie(parlor.url);
	await ensureRoom(parlor.url, cookie, room);
	const url = `${parlor.url.replace("http", "ws")}/api/rooms/${room}/socket`;
	const headers = { cookie, origin: parlor.url };
	const all = Array.from({ length: clients }, () => new ResumingClient(url, headers));
	for (const c of all) c.connect();
	const publisher = new ResumingClient(url, headers);
	publisher.connect();
	const wait = async (until: () => boolean, ms: number) => {
		const by = performance.now() + ms;
		while (!until() && performance.now() < by) await sleep(20);
		return until();
	};
	if (!(await wait(() => all.every((c) => c.liveAt !== null) && publisher.liveAt !== null, 20_000)))
		throw new Error("reconnect bench: clients not connected within 20 s");
	// Traffic before and across the restart: 20 msg/s from the publisher, whatever its state.
	let sent = 0;
	let publishing = true;
	const publish = (async () => {
		while (publishing) {
			const ws = publisher.open();
			if (ws) {
				ws.send(
					JSON.stringify({ type: "send", clientId: `reconnect-${sent}-${Date.now()}`, text: `reconnect ${sent}` }),
				);
				sent++;
			}
			await sleep(50);
		}
	})();
	await sleep(2_000);
	const sentBefore = sent;
	const welcomesBefore = all.map((c) => c.welcomes);
	const t0 = performance.now();
	await parlor.restart();
	const answered = performance.now();
	const liveAgain = (c: ResumingClient, i: number) => c.liveAt !== null && c.welcomes > (welcomesBefore[i] ?? 0);
	const allLive = await wait(() => all.every(liveAgain), 30_000);
	publishing = false;
	await publish;
	// A client that got back in before the health check answered counts as live at once.
	const times = all.filter(liveAgain).map((c) => Math.max(0, (c.liveAt ?? 0) - answered));
	// Once live, the replay and the publisher's later messages must leave no hole anywhere.
	await sleep(1_000);
	const holes = all.reduce((n, c) => n + c.holes(), 0);
	for (const c of [...all, publisher]) c.stop();
	return {
		clients,
		sentBefore,
		restartMs: Math.round(answered - t0),
		liveP50: round(percentile(times, 50)),
		liveP99: round(percentile(times, 99)),
		liveMax: round(Math.max(...times)),
		allLive,
		holes,
	};
}
