import { afterEach, beforeEach, vi } from "vitest";
import { PROTOCOL_VERSION } from "../../api/protocol/room-protocol";

/** A WebSocket the test plays the server for: it records what the client sends and closes on command. */
export class FakeSocket extends EventTarget {
	static readonly CONNECTING = 0;
	static readonly OPEN = 1;
	static readonly CLOSING = 2;
	static readonly CLOSED = 3;
	static all: FakeSocket[] = [];
	readyState = FakeSocket.CONNECTING;
	binaryType = "blob";
	readonly sent: string[] = [];

	constructor(readonly url: string) {
		super();
		FakeSocket.all.push(this);
		queueMicrotask(() => {
			this.readyState = FakeSocket.OPEN;
			this.dispatchEvent(new Event("open"));
		});
	}

	send(data: string): void {
		this.sent.push(data);
	}

	close(code = 1000, reason = ""): void {
		if (this.readyState === FakeSocket.CLOSED) return;
		this.readyState = FakeSocket.CLOSED;
		this.dispatchEvent(new CloseEvent("close", { code, reason }));
	}

	/** The server speaks. */
	receive(frame: object): void {
		this.dispatchEvent(new MessageEvent("message", { data: JSON.stringify(frame) }));
	}

	welcome(): void {
		this.receive({
			type: "welcome",
			protocol: PROTOCOL_VERSION,
			roomId: "r",
			you: { id: "u", name: "U", image: null, guest: false },
			role: "member",
			connectionId: "c",
			oldestSeq: 1,
			latestSeq: 0,
		});
	}
}

/** A visible, online browser tab as the socket classes see it, with FakeSocket as its WebSocket. */
function stubBrowser(): void {
	FakeSocket.all = [];
	vi.stubGlobal("WebSocket", FakeSocket);
	vi.stubGlobal("window", new EventTarget());
	vi.stubGlobal("document", Object.assign(new EventTarget(), { visibilityState: "visible" }));
	vi.stubGlobal("navigator", { onLine: true });
}

/** Every test in the file runs on fake timers in a stubbed browser tab, restored after each. */
export function useFakeBrowser(): void {
	beforeEach(() => {
		vi.useFakeTimers();
		stubBrowser();
	});
	afterEach(() => {
		vi.unstubAllGlobals();
		vi.useRealTimers();
	});
}
