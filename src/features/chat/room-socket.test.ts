import { describe, expect, it, vi } from "vitest";
import {
	CLOSE_DISPLACED,
	CLOSE_FLOODING,
	CLOSE_LEFT_ROOM,
	CLOSE_PROTOCOL_OUTDATED,
	CLOSE_SESSION_ENDED,
	PING_FRAME,
	PONG_FRAME,
	PROTOCOL_VERSION,
} from "../../../api/protocol/room-protocol";
import { FakeSocket, useFakeBrowser } from "../../test-support/fake-websocket";
import { type ConnectionState, RoomSocket, type RoomSocketHandlers } from "./room-socket";

function handlers(alive: boolean) {
	const states: ConnectionState[] = [];
	const h = {
		onState: vi.fn((state: ConnectionState) => void states.push(state)),
		onWelcome: vi.fn(),
		onEvents: vi.fn(),
		onRole: vi.fn(),
		onAck: vi.fn(),
		onError: vi.fn(),
		onReset: vi.fn(),
		onPresence: vi.fn(),
		onPresenceDelta: vi.fn(),
		onTyping: vi.fn(),
		onSessionEnded: vi.fn(),
		sessionAlive: vi.fn(async () => alive),
		onLeftRoom: vi.fn(),
	} satisfies RoomSocketHandlers;
	return { h, states };
}

/** Lets microtasks and every pending timer (backoff, jitter) run, as much time passing would. */
const settle = () => vi.advanceTimersByTimeAsync(30_000);

useFakeBrowser();

async function connected(alive = true) {
	const { h, states } = handlers(alive);
	const socket = new RoomSocket("ws://room", () => 7, h, FakeSocket as unknown as typeof WebSocket);
	await vi.advanceTimersByTimeAsync(0);
	const ws = FakeSocket.all[0];
	if (!ws) throw new Error("no socket opened");
	ws.welcome();
	return { socket, ws, h, states };
}

describe("RoomSocket", () => {
	it("resumes with hello {since} on open and is open once welcomed", async () => {
		const { socket, ws, h, states } = await connected();
		expect(JSON.parse(ws.sent[0] ?? "{}")).toEqual({ type: "hello", protocol: PROTOCOL_VERSION, since: 7 });
		expect(h.onWelcome).toHaveBeenCalledOnce();
		expect(states.at(-1)).toBe("open");
		expect(socket.send({ type: "typing" })).toBe(true);
		socket.close();
	});

	it("sends keep-alive pings only while the tab is visible, and one at once when it comes back", async () => {
		const { socket, ws } = await connected();
		const pings = () => ws.sent.filter((frame) => frame === PING_FRAME).length;
		await vi.advanceTimersByTimeAsync(21_000);
		expect(pings()).toBe(1);
		ws.dispatchEvent(new MessageEvent("message", { data: PONG_FRAME }));
		const visible = pings();
		Object.assign(document, { visibilityState: "hidden" });
		document.dispatchEvent(new Event("visibilitychange"));
		// Ten minutes hidden: no periodic work at all.
		await vi.advanceTimersByTimeAsync(600_000);
		expect(pings()).toBe(visible);
		expect(FakeSocket.all).toHaveLength(1);
		Object.assign(document, { visibilityState: "visible" });
		document.dispatchEvent(new Event("visibilitychange"));
		expect(pings()).toBe(visible + 1);
		socket.close();
	});

	it("on 1008 asks whether the session lives, and reconnects when it does", async () => {
		const { socket, ws, h } = await connected(true);
		ws.close(CLOSE_SESSION_ENDED, "Session expired");
		await settle();
		expect(h.sessionAlive).toHaveBeenCalled();
		expect(h.onSessionEnded).not.toHaveBeenCalled();
		expect(FakeSocket.all.length).toBeGreaterThan(1);
		socket.close();
	});

	it("on 1008 signs out only when the session has ended, and stops", async () => {
		const { ws, h, states } = await connected(false);
		ws.close(CLOSE_SESSION_ENDED, "Signed out");
		await settle();
		expect(h.onSessionEnded).toHaveBeenCalledOnce();
		expect(states.at(-1)).toBe("closed");
		expect(FakeSocket.all).toHaveLength(1);
	});

	it("on 4001 waits to be asked instead of pushing out another tab", async () => {
		const { socket, ws, states } = await connected();
		ws.close(CLOSE_DISPLACED, "Opened in too many places.");
		await settle();
		expect(states.at(-1)).toBe("displaced");
		expect(FakeSocket.all).toHaveLength(1);
		socket.reconnect();
		await settle();
		expect(FakeSocket.all.length).toBeGreaterThan(1);
		socket.close();
	});

	it("on 4003 leaves the room and does not reconnect", async () => {
		const { ws, h } = await connected();
		ws.close(CLOSE_LEFT_ROOM, "You left this room.");
		await settle();
		expect(h.onLeftRoom).toHaveBeenCalledOnce();
		expect(FakeSocket.all).toHaveLength(1);
	});

	it("on 4010 (the room speaks a newer protocol) says so and does not reconnect", async () => {
		const { ws, states } = await connected();
		ws.receive({ type: "error", code: "protocol_outdated", message: "Reload the page." });
		ws.close(CLOSE_PROTOCOL_OUTDATED, "Protocol outdated; reload.");
		await settle();
		expect(states.at(-1)).toBe("outdated");
		expect(FakeSocket.all).toHaveLength(1);
	});

	it("hands events and role changes to their handlers", async () => {
		const { ws, h, socket } = await connected();
		const events = [
			{
				kind: "react",
				seq: 2,
				messageId: "m",
				messageSeq: 1,
				at: 1,
				emoji: "👍",
				user: { id: "a", name: "A" },
				on: true,
			},
		];
		ws.receive({ type: "events", events });
		ws.receive({ type: "role", role: "moderator" });
		// Not in the protocol: dropped, not handed on.
		ws.receive({ type: "events", events: [{ kind: "nonsense", seq: 3 }] });
		expect(h.onEvents).toHaveBeenCalledExactlyOnceWith(events);
		expect(h.onRole).toHaveBeenCalledExactlyOnceWith("moderator");
		socket.close();
	});

	it("on 4008 (told to slow down and did not) reconnects after its backoff", async () => {
		const { socket, ws, states } = await connected();
		ws.close(CLOSE_FLOODING, "Too many frames.");
		expect(states.at(-1)).toBe("reconnecting");
		await settle();
		expect(FakeSocket.all.length).toBeGreaterThan(1);
		socket.close();
	});

	it("after three connects that fail before a welcome, asks whether the session is the reason", async () => {
		const { h } = handlers(false);
		const socket = new RoomSocket("ws://room", () => null, h, FakeSocket as unknown as typeof WebSocket);
		for (let i = 0; i < 3; i++) {
			await vi.advanceTimersByTimeAsync(0);
			// A refused upgrade reaches a browser as a bare failure: opened, then closed with no welcome.
			FakeSocket.all.at(-1)?.close(1006, "");
			await settle();
		}
		expect(h.sessionAlive).toHaveBeenCalled();
		expect(h.onSessionEnded).toHaveBeenCalledOnce();
		socket.close();
	});
});
