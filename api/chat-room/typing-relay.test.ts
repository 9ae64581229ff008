import { describe, expect, it } from "vitest";
import { TYPING_THROTTLE_MS } from "../protocol/room-protocol";
import type { SocketAttachment } from "./socket-attachment";
import { TypingRelay } from "./typing-relay";

/** A socket that records what it was sent; the relay only ever calls `send`. */
function socket(userId: string) {
	const sent: string[] = [];
	const ws = { send: (frame: string) => sent.push(frame) } as unknown as WebSocket;
	return { ws, sent, userId };
}

const attachment = (userId: string, ready = true): SocketAttachment => ({
	roomId: "r",
	user: { id: userId, name: userId, image: null, guest: false },
	connectionId: "c",
	sessionId: "s",
	sessionExpiresAt: Number.MAX_SAFE_INTEGER,
	role: "member",
	ready,
	openedAt: 0,
});

function room() {
	const a1 = socket("a");
	const a2 = socket("a");
	const b = socket("b");
	const sockets = [a1, a2, b];
	const relay = new TypingRelay(
		() => sockets.map((s) => s.ws),
		(ws) => sockets.find((s) => s.ws === ws)?.userId,
	);
	return { relay, a1, a2, b };
}

describe("TypingRelay", () => {
	it("tells the others, never the typist's own tabs", () => {
		const { relay, a1, a2, b } = room();
		relay.typed(attachment("a"), 1_000);
		expect(b.sent).toHaveLength(1);
		expect(JSON.parse(b.sent[0] ?? "{}")).toMatchObject({ type: "typing", user: { id: "a" } });
		expect(a1.sent).toEqual([]);
		expect(a2.sent).toEqual([]);
	});

	it("relays at most one notice per user per half the client's throttle", () => {
		const { relay, b } = room();
		for (let t = 0; t < TYPING_THROTTLE_MS * 2; t += 50) relay.typed(attachment("a"), 10_000 + t);
		expect(b.sent).toHaveLength(4);
	});

	it("ignores a socket that has not said hello", () => {
		const { relay, b } = room();
		relay.typed(attachment("a", false), 1_000);
		expect(b.sent).toEqual([]);
	});
});
