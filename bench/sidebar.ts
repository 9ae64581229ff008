// The live sidebar (issue 21): a room of 1,000 members, 50 of them online (their inbox socket
// open), a publisher posting 50 msg/s. Measured: how soon each online member's sidebar hears of
// each message, how many notes it gets, and the publisher's ack time. The same-run baseline is
// a room whose 50 members are all online: if offline members cost a message anything, the big
// room's figures would trail it. Runs alternate (big, small, big, ...) and report the median.
import { DatabaseSync } from "node:sqlite";
import WebSocket from "ws";
import { guestCookie, openSocket } from "./lib/room-clients.ts";
import { d1File } from "./lib/seed.ts";
import type { ParlorServer } from "./lib/servers.ts";
import { percentile, round, sendOnSchedule, sleep } from "./lib/stats.ts";

const ONLINE = 50;
const OFFLINE = 950;
const RATE = 50;
/** Each run's sends carry fresh idempotency keys: a repeated key is acked without storing again. */
let runNumber = 0;

type Member = { cookie: string; id: string };

async function member(base: string): Promise<Member> {
	const cookie = await guestCookie(base);
	const me = (await (await fetch(`${base}/api/me`, { headers: { cookie } })).json()) as { user: { id: string } };
	return { cookie, id: me.user.id };
}

async function post(base: string, cookie: string, path: string, body: unknown): Promise<Response> {
	return fetch(`${base}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", origin: base, cookie },
		body: JSON.stringify(body),
	});
}

/** Members who never come online, written straight into D1 while the server is stopped. */
function addOfflineMembers(stateDir: string, room: string, count: number): void {
	const db = new DatabaseSync(d1File(stateDir));
	const now = Date.now();
	const user = db.prepare(
		"INSERT INTO user (id, name, email, emailVerified, image, createdAt, updatedAt, isAnonymous) VALUES (?, ?, ?, 0, NULL, ?, ?, 1)",
	);
	const join = db.prepare("INSERT INTO room_member (roomId, userId, joinedAt) VALUES (?, ?, ?)");
	db.exec("BEGIN");
	for (let i = 0; i < count; i++) {
		const id = `bench-offline-${room}-${i}`;
		user.run(id, `Offline ${i}`, `${id}@bench.invalid`, now, now);
		join.run(room, id, now);
	}
	db.exec("COMMIT");
	db.close();
}

type Run = {
	room: string;
	members: number;
	messages: number;
	/** From the send to the note that first covers it, at each online member. */
	pushP50: number;
	pushP99: number;
	pushMax: number;
	/** Notes one online member got per second (the coalescing bound is 1 per room). */
	notesPerSecond: number;
	ackP50: number;
	ackP99: number;
	missed: number;
};

/** One run: the publisher posts `seconds` at RATE into `room`; every online inbox records its notes. */
async function measure(
	base: string,
	room: string,
	members: number,
	publisher: Member,
	inboxes: WebSocket[],
	online: Member[],
	seconds: number,
): Promise<Run> {
	const total = RATE * seconds;
	const run = String(++runNumber).padStart(2, "0");
	const sentAt = new Float64Array(total);
	const ackAt = new Float64Array(total);
	const seqOf = new Map<number, number>();
	const notes: Array<Array<{ at: number; latestSeq: number }>> = inboxes.map(() => []);
	const listeners = inboxes.map((ws, i) => {
		const listener = (data: WebSocket.RawData) => {
			const text = String(data);
			if (!text.includes('"room_activity"')) return;
			const frame = JSON.parse(text) as { roomId: string; latestSeq: number };
			if (frame.roomId === room) notes[i]?.push({ at: performance.now(), latestSeq: frame.latestSeq });
		};
		ws.on("message", listener);
		return listener;
	});
	const ws = await openSocket(
		`${base.replace("http", "ws")}/api/rooms/${room}/socket`,
		{
			cookie: publisher.cookie,
			origin: base,
		},
		false,
	);
	const ackPattern = new RegExp(`"type":"ack","clientId":"sidebar-${run}-(\\d+)","seq":(\\d+)`);
	ws.on("message", (data) => {
		const match = ackPattern.exec(String(data));
		if (!match) return;
		const i = Number(match[1]);
		ackAt[i] = performance.now();
		seqOf.set(i, Number(match[2]));
	});
	const started = performance.now();
	await sendOnSchedule(
		total,
		RATE,
		(i) => {
			// Every tenth message mentions one of the online members, as a busy room does.
			const mention = i % 10 === 0 ? ` <@${online[i % online.length]?.id}>` : "";
			ws.send(
				JSON.stringify({
					type: "send",
					clientId: `sidebar-${run}-${String(i).padStart(6, "0")}`,
					text: `sidebar ${i}${mention}`,
				}),
			);
		},
		sentAt,
	);
	// Everything acked, and one more note window for the last ones.
	for (let i = 0; i < 100 && seqOf.size < total; i++) await sleep(50);
	await sleep(1_500);
	const elapsed = (performance.now() - started) / 1000;
	ws.terminate();
	inboxes.forEach((inbox, i) => {
		const listener = listeners[i];
		if (listener) inbox.off("message", listener);
	});

	const push: number[] = [];
	let missed = 0;
	for (const received of notes) {
		for (let i = 0; i < total; i++) {
			const seq = seqOf.get(i);
			const note = seq === undefined ? undefined : received.find((n) => n.latestSeq >= seq);
			if (note) push.push(note.at - (sentAt[i] ?? 0));
			else missed++;
		}
	}
	const acks = Array.from(ackAt, (at, i) => at - (sentAt[i] ?? 0)).filter((ms) => ms > 0);
	return {
		room,
		members,
		messages: total,
		pushP50: round(percentile(push, 50)),
		pushP99: round(percentile(push, 99)),
		pushMax: round(Math.max(...push)),
		notesPerSecond: round(notes.reduce((sum, n) => sum + n.length, 0) / notes.length / elapsed, 2),
		ackP50: round(percentile(acks, 50)),
		ackP99: round(percentile(acks, 99)),
		missed,
	};
}

const median = (values: number[]) => percentile(values, 50);
const spread = (values: number[]) => [round(Math.min(...values)), round(Math.max(...values))];

export type SidebarResult = Awaited<ReturnType<typeof sidebarBench>>;

export async function sidebarBench(parlor: ParlorServer, quick: boolean) {
	const base = parlor.url;
	const publisher = await member(base);
	const big = "bench-sidebar-1000";
	const small = "bench-sidebar-50";
	for (const room of [big, small]) {
		const res = await post(base, publisher.cookie, "/api/rooms", { name: room, visibility: "public" });
		if (res.status !== 201 && res.status !== 409) throw new Error(`room ${room}: ${res.status}`);
	}
	const online: Member[] = [];
	for (let i = 0; i < ONLINE; i++) online.push(await member(base));
	for (const m of online) for (const room of [big, small]) await post(base, m.cookie, `/api/rooms/${room}/join`, {});
	await parlor.stop();
	addOfflineMembers(parlor.stateDir, big, OFFLINE - 1);
	await parlor.restart();

	// Each online member's sidebar: its inbox socket, open until the snapshot of its rooms came.
	const inboxes = await Promise.all(
		online.map(
			(m) =>
				new Promise<WebSocket>((resolve, reject) => {
					const ws = new WebSocket(`${base.replace("http", "ws")}/api/inbox`, {
						headers: { cookie: m.cookie, origin: base },
						perMessageDeflate: false,
					});
					const timer = setTimeout(() => reject(new Error("no inbox snapshot within 20 s")), 20_000);
					ws.on("message", (data) => {
						if (String(data).startsWith('{"type":"rooms"')) {
							clearTimeout(timer);
							resolve(ws);
						}
					});
					ws.once("error", reject);
				}),
		),
	);
	const seconds = quick ? 4 : 10;
	const runs: Run[] = [];
	try {
		for (let round = 0; round < 3; round++) {
			for (const [room, members] of [
				[big, OFFLINE + ONLINE],
				[small, ONLINE + 1],
			] as const) {
				process.stdout.write(`sidebar ${members} members… `);
				const run = await measure(base, room, members, publisher, inboxes, online, seconds);
				console.log(
					`push p50 ${run.pushP50} ms, p99 ${run.pushP99} ms, ${run.notesPerSecond} notes/s, ack p50 ${run.ackP50} ms`,
				);
				runs.push(run);
				await sleep(1_000);
			}
		}
	} finally {
		for (const ws of inboxes) ws.terminate();
	}
	const summary = (members: number) => {
		const mine = runs.filter((r) => r.members === members);
		const pick = (key: keyof Run) => mine.map((r) => Number(r[key]));
		return {
			members,
			online: ONLINE,
			rate: RATE,
			pushP50: round(median(pick("pushP50"))),
			pushP50Spread: spread(pick("pushP50")),
			pushP99: round(median(pick("pushP99"))),
			pushP99Spread: spread(pick("pushP99")),
			pushMax: round(Math.max(...pick("pushMax"))),
			notesPerSecond: round(median(pick("notesPerSecond")), 2),
			ackP50: round(median(pick("ackP50"))),
			ackP50Spread: spread(pick("ackP50")),
			ackP99: round(median(pick("ackP99"))),
			missed: pick("missed").reduce((a, b) => a + b, 0),
		};
	};
	return { rows: [summary(OFFLINE + ONLINE), summary(ONLINE + 1)], runs };
}
