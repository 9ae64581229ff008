import ReconnectingWebSocket from "partysocket/ws";
import {
	type AckFrame,
	type Author,
	CLOSE_DISPLACED,
	CLOSE_LEFT_ROOM,
	CLOSE_PROTOCOL_OUTDATED,
	CLOSE_SESSION_ENDED,
	type ClientMessage,
	type ErrorFrame,
	PING_FRAME,
	PONG_FRAME,
	PROTOCOL_VERSION,
	type PresenceDeltaFrame,
	parseServerMessage,
	type ResetFrame,
	type Role,
	type RoomEvent,
	type WelcomeFrame,
} from "../../../api/protocol/room-protocol";

/** `outdated`: the room speaks a newer protocol than this page (a deploy happened); only a reload helps. */
export type ConnectionState = "connecting" | "open" | "reconnecting" | "offline" | "displaced" | "outdated" | "closed";

export type RoomSocketHandlers = {
	onState(state: ConnectionState): void;
	onWelcome(frame: WelcomeFrame): void;
	/** New messages and changes to messages, in seq order (live, or the replay after welcome). */
	onEvents(events: RoomEvent[]): void;
	/** The owner changed what this user may do here. */
	onRole(role: Role): void;
	onAck(frame: AckFrame): void;
	onError(frame: ErrorFrame): void;
	onReset(frame: ResetFrame): void;
	/** Who is in the room (once after `welcome`; at most PRESENCE_LIST_CAP names) and how many in all. */
	onPresence(users: Author[], total: number): void;
	/** Who came and went since; `total` counts everyone here now. */
	onPresenceDelta(delta: PresenceDeltaFrame): void;
	/** Another user is typing. */
	onTyping(user: Author): void;
	/** The session ended for good (the room said so and `/api/me` agrees); reconnecting cannot help. */
	onSessionEnded(): void;
	/**
	 * Whether the session is still alive (asks `/api/me`). Asked when the room closes the socket
	 * for an ended session, since the room only knows the expiry the socket opened with and
	 * Better Auth may have extended it since, and after repeated failed connects, since a refused
	 * upgrade reaches a browser as a bare failure.
	 */
	sessionAlive(): Promise<boolean>;
	/** This user left the room (a private one) here or on another device; it is closed to them. */
	onLeftRoom(): void;
};

/** Keep-alive: the room's runtime answers pings without waking it; a missing pong means a dead link. */
const PING_EVERY_MS = 20_000;
const PONG_TIMEOUT_MS = 8_000;
/** Connects that fail in a row before the client asks whether its session is the reason. */
const FAILURES_BEFORE_SESSION_CHECK = 3;

/** Spreads reconnects of many clients over time (full jitter) so a restart is not a thundering herd. */
function jitterMs(attempt: number): number {
	return Math.random() * Math.min(5_000, 250 * 2 ** attempt);
}

/**
 * The room's transport, with no framework in it: a reconnecting WebSocket (partysocket) with
 * unlimited backoff plus jitter, a `hello {since}` on every (re)connect so the room replays what
 * was missed, keep-alive pings, and reconnects on `online` and on the tab becoming visible.
 * Frames are parsed by the shared protocol module; anything else is dropped.
 */
export class RoomSocket {
	private readonly ws: ReconnectingWebSocket;
	private readonly handlers: RoomSocketHandlers;
	private readonly since: () => number | null;
	private state: ConnectionState = "connecting";
	private everOpened = false;
	private ready = false;
	/** Closes in a row that never reached `welcome`. */
	private failures = 0;
	private pingTimer: ReturnType<typeof setInterval> | undefined;
	private pongTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly cleanups: Array<() => void> = [];

	constructor(
		url: string,
		since: () => number | null,
		handlers: RoomSocketHandlers,
		/** The browser's WebSocket unless a test gives another. */
		webSocket?: typeof WebSocket,
	) {
		this.handlers = handlers;
		this.since = since;
		let attempt = 0;
		this.ws = new ReconnectingWebSocket(
			async () => {
				if (attempt++ > 0) await new Promise((resolve) => setTimeout(resolve, jitterMs(attempt)));
				return url;
			},
			undefined,
			{
				minReconnectionDelay: 500,
				maxReconnectionDelay: 15_000,
				reconnectionDelayGrowFactor: 1.6,
				connectionTimeout: 6_000,
				maxRetries: Number.POSITIVE_INFINITY,
				// Unsent messages live in the outbox, not in a socket buffer that a reload would lose.
				maxEnqueuedMessages: 0,
				...(webSocket ? { WebSocket: webSocket } : {}),
			},
		);
		this.ws.addEventListener("open", () => {
			attempt = 0;
			const since = this.since();
			const hello: ClientMessage = { type: "hello", protocol: PROTOCOL_VERSION, ...(since === null ? {} : { since }) };
			this.ws.send(JSON.stringify(hello));
			this.startPings();
		});
		this.ws.addEventListener("message", (event) => this.receive(event.data));
		this.ws.addEventListener("close", (event) => {
			const wasReady = this.ready;
			this.ready = false;
			this.stopPings();
			this.failures = wasReady ? 0 : this.failures + 1;
			if (event.code === CLOSE_SESSION_ENDED) {
				// Hold the automatic reconnect until the Worker says whether the session lives on.
				this.ws.close();
				this.setState("reconnecting");
				void this.confirmSession();
				return;
			}
			if (event.code === CLOSE_PROTOCOL_OUTDATED) {
				this.ws.close();
				this.setState("outdated");
				return;
			}
			if (event.code === CLOSE_LEFT_ROOM) {
				this.ws.close();
				this.setState("closed");
				this.handlers.onLeftRoom();
				return;
			}
			// This user opened the room in more places than the room allows and this was the
			// oldest: reconnecting on its own would push out another tab, so wait to be asked.
			if (event.code === CLOSE_DISPLACED) {
				this.ws.close();
				this.setState("displaced");
				return;
			}
			if (this.state !== "closed")
				this.setState(navigator.onLine ? (this.everOpened ? "reconnecting" : "connecting") : "offline");
			if (this.failures > 0 && this.failures % FAILURES_BEFORE_SESSION_CHECK === 0) void this.confirmSession(false);
		});
		this.listen(window, "online", () => this.reconnectIfDown());
		this.listen(window, "offline", () => {
			if (!this.ready && this.state !== "displaced") this.setState("offline");
		});
		this.listen(document, "visibilitychange", () => {
			if (document.visibilityState !== "visible") return;
			if (this.ready) this.ping();
			else this.reconnectIfDown();
		});
	}

	get isReady(): boolean {
		return this.ready;
	}

	/** Sends a frame once the room has welcomed this socket; returns false when it could not. */
	send(frame: ClientMessage): boolean {
		if (!this.ready) return false;
		this.ws.send(JSON.stringify(frame));
		return true;
	}

	/** The banner's "Reconnect now": skip the backoff wait. */
	reconnect(): void {
		if (this.state === "closed") return;
		this.setState(this.everOpened ? "reconnecting" : "connecting");
		this.ws.reconnect();
	}

	close(): void {
		this.setState("closed");
		this.stopPings();
		for (const cleanup of this.cleanups) cleanup();
		this.ws.close(1000, "Leaving the room");
	}

	private receive(data: unknown): void {
		if (typeof data !== "string") return;
		if (data === PONG_FRAME) {
			clearTimeout(this.pongTimer);
			return;
		}
		const frame = parseServerMessage(data);
		if (!frame) return;
		switch (frame.type) {
			case "welcome":
				this.ready = true;
				this.everOpened = true;
				this.setState("open");
				this.handlers.onWelcome(frame);
				break;
			case "events":
				this.handlers.onEvents(frame.events);
				break;
			case "role":
				this.handlers.onRole(frame.role);
				break;
			case "ack":
				this.handlers.onAck(frame);
				break;
			case "error":
				this.handlers.onError(frame);
				break;
			case "reset":
				this.handlers.onReset(frame);
				break;
			case "presence":
				this.handlers.onPresence(frame.users, frame.total);
				break;
			case "presence_delta":
				this.handlers.onPresenceDelta(frame);
				break;
			case "typing":
				this.handlers.onTyping(frame.user);
				break;
			case "pong":
				break;
		}
	}

	/**
	 * Asks whether the session lives on: reconnect when it does (the upgrade carries its new
	 * expiry to the room), sign out only when the Worker says it has ended (401).
	 */
	private async confirmSession(reconnect = true): Promise<void> {
		const alive = await this.handlers.sessionAlive();
		if (this.state === "closed") return;
		if (!alive) {
			this.ws.close();
			this.setState("closed");
			this.handlers.onSessionEnded();
		} else if (reconnect) {
			this.ws.reconnect();
		}
	}

	private reconnectIfDown(): void {
		if (!this.ready && this.state !== "closed" && this.state !== "displaced" && this.state !== "outdated")
			this.reconnect();
	}

	private ping(): void {
		if (this.ws.readyState !== this.ws.OPEN) return;
		this.ws.send(PING_FRAME);
		clearTimeout(this.pongTimer);
		this.pongTimer = setTimeout(() => this.ws.reconnect(4000, "No pong"), PONG_TIMEOUT_MS);
	}

	private startPings(): void {
		this.stopPings();
		// A hidden tab sends no keep-alives (it does no periodic work); coming back into view pings at once.
		this.pingTimer = setInterval(() => {
			if (document.visibilityState === "visible") this.ping();
		}, PING_EVERY_MS);
	}

	private stopPings(): void {
		clearInterval(this.pingTimer);
		clearTimeout(this.pongTimer);
	}

	private setState(state: ConnectionState): void {
		if (this.state === state) return;
		this.state = state;
		this.handlers.onState(state);
	}

	private listen(target: EventTarget, type: string, handler: () => void): void {
		target.addEventListener(type, handler);
		this.cleanups.push(() => target.removeEventListener(type, handler));
	}
}

export function roomSocketUrl(roomId: string, location: Location = window.location): string {
	const protocol = location.protocol === "https:" ? "wss:" : "ws:";
	return `${protocol}//${location.host}/api/rooms/${encodeURIComponent(roomId)}/socket`;
}
