import ReconnectingWebSocket from "partysocket/ws";
import { type InboxServerMessage, parseInboxMessage } from "../../../api/protocol/inbox-protocol";
import { CLOSE_SESSION_ENDED, PING_FRAME, PONG_FRAME } from "../../../api/protocol/room-protocol";

/** Keep-alive while the tab is visible; the inbox's runtime answers pings without waking it. */
const PING_EVERY_MS = 25_000;
const PONG_TIMEOUT_MS = 8_000;

export type InboxSocketHandlers = {
	onFrame(frame: InboxServerMessage): void;
	/**
	 * Connected (first time or again): what happened before now (a read or a leave on another
	 * device while this tab had no socket) was not pushed here, so the list is asked for again.
	 */
	onConnected(): void;
	/** Whether the session lives on (asks `/api/me`): the inbox closes at the expiry it was opened with. */
	sessionAlive(): Promise<boolean>;
};

/**
 * The sidebar's transport: a reconnecting WebSocket (partysocket) to the user's inbox, which
 * pushes what happens in their other rooms. A hidden tab does no periodic work: pings run only
 * while the tab is visible, and coming back into view checks the link at once.
 */
export class InboxSocket {
	private readonly ws: ReconnectingWebSocket;
	private closed = false;
	private pingTimer: ReturnType<typeof setInterval> | undefined;
	private pongTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly onVisibility = () => this.keepAlive();

	constructor(url: string, handlers: InboxSocketHandlers) {
		this.ws = new ReconnectingWebSocket(url, undefined, {
			minReconnectionDelay: 1_000 + Math.random() * 4_000,
			maxReconnectionDelay: 30_000,
			reconnectionDelayGrowFactor: 1.6,
			connectionTimeout: 6_000,
			maxRetries: Number.POSITIVE_INFINITY,
			maxEnqueuedMessages: 0,
		});
		this.ws.addEventListener("open", () => {
			handlers.onConnected();
			this.keepAlive();
		});
		this.ws.addEventListener("message", (event) => {
			if (typeof event.data !== "string") return;
			if (event.data === PONG_FRAME) {
				clearTimeout(this.pongTimer);
				return;
			}
			const frame = parseInboxMessage(event.data);
			if (frame) handlers.onFrame(frame);
		});
		this.ws.addEventListener("close", (event) => {
			clearTimeout(this.pongTimer);
			if (event.code !== CLOSE_SESSION_ENDED) return;
			// The session ended, or only the expiry the socket opened with passed while Better Auth
			// extended it: hold the automatic reconnect until the Worker says which.
			this.ws.close();
			void handlers.sessionAlive().then((alive) => {
				if (alive && !this.closed) this.ws.reconnect();
			});
		});
		document.addEventListener("visibilitychange", this.onVisibility);
	}

	close(): void {
		this.closed = true;
		clearInterval(this.pingTimer);
		clearTimeout(this.pongTimer);
		document.removeEventListener("visibilitychange", this.onVisibility);
		this.ws.close(1000, "Leaving");
	}

	/** Pings on a timer only while visible; on coming into view, one ping now (or a reconnect). */
	private keepAlive(): void {
		clearInterval(this.pingTimer);
		if (document.visibilityState !== "visible") return;
		if (this.ws.readyState !== this.ws.OPEN) {
			this.ws.reconnect();
			return;
		}
		this.ping();
		this.pingTimer = setInterval(() => {
			if (document.visibilityState === "visible") this.ping();
			else clearInterval(this.pingTimer);
		}, PING_EVERY_MS);
	}

	private ping(): void {
		if (this.ws.readyState !== this.ws.OPEN) return;
		this.ws.send(PING_FRAME);
		clearTimeout(this.pongTimer);
		this.pongTimer = setTimeout(() => this.ws.reconnect(4000, "No pong"), PONG_TIMEOUT_MS);
	}
}

export function inboxSocketUrl(location: Location = window.location): string {
	return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/api/inbox`;
}
