import WebSocket from "ws";
import { PROTOCOL_VERSION } from "../../api/protocol/version.ts";

const octet = () => 1 + Math.floor(Math.random() * 254);

/** Signs in to Parlor as a new guest and returns the session cookie header. */
export async function guestCookie(baseUrl: string): Promise<string> {
	const res = await fetch(`${baseUrl}/api/auth/sign-in/anonymous`, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			origin: baseUrl,
			"cf-connecting-ip": `10.${octet()}.${octet()}.${octet()}`,
		},
		body: "{}",
	});
	if (!res.ok) throw new Error(`guest sign-in failed: ${res.status}`);
	return res.headers
		.getSetCookie()
		.map((c) => c.split(";")[0])
		.join("; ");
}

/** Creates the public room `room` (its name is its slug) unless it exists: rooms must exist to be reached. */
export async function ensureRoom(baseUrl: string, cookie: string, room: string): Promise<void> {
	const res = await fetch(`${baseUrl}/api/rooms`, {
		method: "POST",
		headers: { "content-type": "application/json", origin: baseUrl, cookie },
		body: JSON.stringify({ name: room, visibility: "public" }),
	});
	if (res.status !== 201 && res.status !== 409) throw new Error(`room ${room} not created: ${res.status}`);
}

/** Opens a WebSocket and resolves once it is open (and, for Parlor, welcomed if `hello`). */
export function openSocket(url: string, headers: Record<string, string>, hello: boolean): Promise<WebSocket> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { headers, perMessageDeflate: false });
		// Bounded like every other wait in the bench: a server that stops answering ends the run.
		const timer = setTimeout(() => {
			ws.terminate();
			reject(new Error(`no ${hello ? "welcome" : "open"} from ${url} within 20 s`));
		}, 20_000);
		ws.once("error", (error) => {
			clearTimeout(timer);
			reject(error);
		});
		ws.once("open", () => {
			if (!hello) {
				clearTimeout(timer);
				return resolve(ws);
			}
			ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
			const onWelcome = (data: WebSocket.RawData) => {
				if (String(data).startsWith('{"type":"welcome"')) {
					clearTimeout(timer);
					ws.off("message", onWelcome);
					resolve(ws);
				}
			};
			ws.on("message", onWelcome);
		});
	});
}

/** Opens `n` sockets with bounded concurrency. */
export async function openMany(n: number, open: () => Promise<WebSocket>, concurrency = 50): Promise<WebSocket[]> {
	const sockets: WebSocket[] = [];
	for (let i = 0; i < n; i += concurrency) {
		sockets.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, n - i) }, open))));
	}
	return sockets;
}

export function closeAll(sockets: WebSocket[]): void {
	for (const ws of sockets) ws.terminate();
}

/** A fanout/ingest target: how to open sockets and how a published frame looks on the wire. */
export type Target = {
	name: string;
	openReceiver(): Promise<WebSocket>;
	openPublisher(): Promise<WebSocket>;
	frame(id: number, text: string): string;
	/** The idempotency key a frame with this id carries (Parlor only; raw targets have none). */
	clientIdOf(id: number): string;
	/** The id a frame acknowledges to its sender, or null when it is not an ack. */
	ackId(data: string): number | null;
};

const PARLOR_ACK = /"type":"ack","clientId":"bench-([0-9a-z]+)"/;

const clientIdOf = (id: number) => `bench-${id.toString(36).padStart(8, "0")}`;

export async function parlorTarget(baseUrl: string, room: string): Promise<Target> {
	const cookie = await guestCookie(baseUrl);
	await ensureRoom(baseUrl, cookie, room);
	const url = `${baseUrl.replace("http", "ws")}/api/rooms/${room}/socket`;
	const headers = { cookie, origin: baseUrl };
	return {
		name: "Parlor",
		openReceiver: () => openSocket(url, headers, true),
		// Publishers never say hello, so the room sends them acks but not the broadcast.
		openPublisher: () => openSocket(url, headers, false),
		clientIdOf,
		frame: (id, text) => `{"type":"send","clientId":"${clientIdOf(id)}","text":"${text}"}`,
		ackId: (data) => {
			const match = PARLOR_ACK.exec(data);
			return match?.[1] ? Number.parseInt(match[1], 36) : null;
		},
	};
}

export function rawTarget(name: string, wsUrl: string): Target {
	return {
		name,
		openReceiver: () => openSocket(wsUrl, {}, false),
		openPublisher: () => openSocket(wsUrl, {}, false),
		clientIdOf: String,
		frame: (_id, text) => text,
		// Raw servers answer the sender with its own frame.
		ackId: (data) => {
			const match = ID_PATTERN.exec(data);
			return match?.[1] ? Number(match[1]) : null;
		},
	};
}

/** A 200-byte message text that carries its id, found again with `ID_PATTERN` on any frame. */
export function messageText(id: number): string {
	return `m${id}:`.padEnd(200, "x");
}
export const ID_PATTERN = /m(\d+):/;

/** Every message id a frame carries: one or several for an `events` frame. */
export function idsIn(frame: string): number[] {
	return Array.from(frame.matchAll(/m(\d+):/g), (m) => Number(m[1]));
}
