import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import {
	freshRoom,
	newClientId,
	openSocket,
	type RoomSocket,
	reactFrame,
	roomPath,
	sendFrame,
} from "../../tests/workers/room-socket";
import { CLOSE_FLOODING, MAX_TEXT_LENGTH } from "../protocol/room-protocol";
import { FLOOD_STRIKES } from "./frame-budget";
import { MessageStore } from "./message-store";

// vitest.workers.config.ts: a socket may send 100 frames in a burst, refilled at 50 a second; a
// user may store 60 messages in a burst with almost no refill.
const FRAME_BURST = 100;
const SEND_BURST = 60;

async function joined(room: string): Promise<RoomSocket> {
	const client = new TestClient();
	await client.signInAsGuest();
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	return socket;
}

async function storedRows(room: string): Promise<number> {
	return runInDurableObject(env.CHAT_ROOM.getByName(room), (_i, state) => {
		return state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n;
	});
}

/** Sends `n` copies of a frame at once and returns every error frame and the close that follow. */
async function flood(socket: RoomSocket, frame: () => string, n: number) {
	for (let i = 0; i < n; i++) socket.ws.send(frame());
	const closed = await socket.closed;
	const errors = socket.frames.filter((f) => f.type === "error");
	return { closed, limited: errors.filter((e) => e.code === "rate_limited") };
}

describe("frame budget (issue 15.9)", () => {
	it.each([
		["typing", () => JSON.stringify({ type: "typing" })],
		["hello again", () => JSON.stringify({ type: "hello", since: 0 })],
		["bad JSON", () => "{nope"],
		["an unknown type", () => JSON.stringify({ type: "shout" })],
		["send", () => JSON.stringify(sendFrame(newClientId(), "spam"))],
		// Reactions cost a frame like anything else (issue 18).
		["react", () => JSON.stringify(reactFrame(newClientId(), "01ARZ3NDEKTSV4RRFFQ69G5FAV", "👍"))],
	])("tells a socket flooding %s to slow down, then closes it with 4008", async (_label, frame) => {
		const room = await freshRoom("flood");
		const socket = await joined(room);
		const { closed, limited } = await flood(socket, frame, FRAME_BURST + 3 * FLOOD_STRIKES);
		expect(closed.code).toBe(CLOSE_FLOODING);
		expect(limited.length).toBeGreaterThanOrEqual(FLOOD_STRIKES - 1);
		expect(limited.every((e) => (e.retryAfterMs ?? 0) > 0)).toBe(true);
		// Sends are also held to the user's own limit: no more than its burst is ever stored.
		expect(await storedRows(room)).toBeLessThanOrEqual(SEND_BURST);
	});

	it("lets a socket that slowed down carry on", async () => {
		const room = await freshRoom("calm");
		const socket = await joined(room);
		// Past the burst (how far past depends on how fast this machine sends), but short of a flood.
		for (let i = 0; i < FRAME_BURST + 10; i++) socket.send({ type: "typing" });
		const limited = await socket.expect("error");
		expect(limited).toMatchObject({ code: "rate_limited" });
		// Whatever else was refused, a pause as long as the room asked for is enough.
		await new Promise((resolve) => setTimeout(resolve, (limited.retryAfterMs ?? 0) + 200));
		socket.send(sendFrame(newClientId(), "after a pause"));
		const [ack] = await socket.collect("ack", 1);
		expect(ack?.seq).toBe(1);
	});

	it("welcomes a socket once: a second hello is an error, not a second replay", async () => {
		const socket = await joined(await freshRoom("once"));
		socket.send({ type: "hello", since: 0 });
		expect(await socket.expect("error")).toMatchObject({ code: "bad_frame" });
		// No second welcome or replay came before the next answer.
		await socket.expectNothingMore();
	});

	it("refuses sends past the user's limit as they arrive, before they are queued", async () => {
		const room = await freshRoom("queue");
		const socket = await joined(room);
		for (let i = 0; i < SEND_BURST + 20; i++) socket.send(sendFrame(newClientId(), `m${i}`));
		const acks = await socket.collect("ack", SEND_BURST);
		expect(acks).toHaveLength(SEND_BURST);
		const refused = socket.frames.filter((f) => f.type === "error" && f.code === "rate_limited");
		expect(refused).toHaveLength(20);
		expect(await storedRows(room)).toBe(SEND_BURST);
	});

	it("answers a hello whose replay would be too many bytes with reset instead", async () => {
		const room = await freshRoom("big");
		const stub = env.CHAT_ROOM.getByName(room);
		await runInDurableObject(stub, (_i, state) => {
			const store = new MessageStore(state.storage.sql);
			const author = { id: "seed", name: "Seeder", image: null, guest: false };
			// 80 messages of 4,000 characters: within the replay's count, over its byte cap.
			for (let i = 0; i < 80; i++)
				store.append(author, "w".repeat(MAX_TEXT_LENGTH), `seed-${i}-xxxx`, Date.now(), null);
		});
		await evictDurableObject(stub);
		const client = new TestClient();
		await client.signInAsGuest();
		const socket = await openSocket(client, roomPath(room));
		await socket.hello(0);
		expect(await socket.expect("reset")).toMatchObject({ reason: "gap_too_large", latestSeq: 80 });
		await socket.expectNothingMore();
	});
});
