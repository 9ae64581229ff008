import { describe, expect, it, vi } from "vitest";
import { CLOSE_SESSION_ENDED, PING_FRAME, PONG_FRAME } from "../../../api/protocol/room-protocol";
import { FakeSocket, useFakeBrowser } from "../../test-support/fake-websocket";
import { InboxSocket, type InboxSocketHandlers } from "./inbox-socket";

useFakeBrowser();

function handlers(alive: boolean) {
	return {
		onFrame: vi.fn(),
		onConnected: vi.fn(),
		sessionAlive: vi.fn(async () => alive),
	} satisfies InboxSocketHandlers;
}

async function opened(alive = true) {
	const h = handlers(alive);
	const inbox = new InboxSocket("ws://inbox", h);
	await vi.advanceTimersByTimeAsync(0);
	const ws = FakeSocket.all[0];
	if (!ws) throw new Error("no socket opened");
	return { inbox, ws, h };
}

const setVisibility = (state: "visible" | "hidden") => {
	Object.assign(document, { visibilityState: state });
	document.dispatchEvent(new Event("visibilitychange"));
};

describe("InboxSocket (the sidebar's transport)", () => {
	it("passes on frames of the inbox protocol and drops anything else", async () => {
		const { inbox, ws, h } = await opened();
		expect(h.onConnected).toHaveBeenCalledOnce();
		ws.receive({ type: "left", roomId: "general" });
		ws.receive({ type: "room_activity", roomId: "general" });
		ws.receive({ type: "welcome" });
		expect(h.onFrame.mock.calls).toEqual([[{ type: "left", roomId: "general" }]]);
		inbox.close();
	});

	it("does no periodic work while the tab is hidden, and checks the link at once when it comes back", async () => {
		const { inbox, ws } = await opened();
		const pings = () => ws.sent.filter((frame) => frame === PING_FRAME).length;
		ws.dispatchEvent(new MessageEvent("message", { data: PONG_FRAME }));
		setVisibility("hidden");
		const before = pings();
		await vi.advanceTimersByTimeAsync(600_000);
		expect(pings()).toBe(before);
		expect(FakeSocket.all).toHaveLength(1);
		setVisibility("visible");
		expect(pings()).toBe(before + 1);
		inbox.close();
	});

	it("after a session-expiry close, reconnects only if the session lives on", async () => {
		const live = await opened(true);
		live.ws.close(CLOSE_SESSION_ENDED, "Session expired");
		await vi.advanceTimersByTimeAsync(60_000);
		expect(live.h.sessionAlive).toHaveBeenCalled();
		expect(FakeSocket.all.length).toBeGreaterThan(1);
		live.inbox.close();

		FakeSocket.all = [];
		const ended = await opened(false);
		ended.ws.close(CLOSE_SESSION_ENDED, "Signed out");
		await vi.advanceTimersByTimeAsync(60_000);
		expect(FakeSocket.all).toHaveLength(1);
		ended.inbox.close();
	});
});
