import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import { MAX_FRAME_BYTES, MAX_TEXT_LENGTH } from "../protocol/room-protocol";

async function joined(room: string) {
	const client = new TestClient();
	await client.signInAsGuest();
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	return socket;
}

async function storedRows(room: string): Promise<number> {
	return runInDurableObject(env.CHAT_ROOM.getByName(room), (_instance, state) => {
		return state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n;
	});
}

/** Frames that are wrong in every way a client can be wrong, but all under the size cap. */
const badFrame = fc.oneof(
	// Not JSON at all.
	fc.string({ maxLength: 200 }).filter((s) => {
		try {
			JSON.parse(s);
			return false;
		} catch {
			return true;
		}
	}),
	// JSON, but not an object.
	fc
		.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.anything(), { maxLength: 5 }))
		.map((v) => JSON.stringify(v)),
	// Objects with an unknown or missing type.
	fc
		.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
		.map((o) => JSON.stringify({ ...o, type: undefined })),
	fc
		.string({ maxLength: 12 })
		.filter((t) => t !== "hello" && t !== "send" && t !== "typing")
		.map((type) => JSON.stringify({ type })),
	// Known types with wrong shapes.
	fc
		.record({
			type: fc.constant("send"),
			clientId: fc.oneof(fc.integer(), fc.constant(""), fc.string({ maxLength: 5 })),
			text: fc.string(),
		})
		.map((f) => JSON.stringify(f)),
	fc
		.record({
			type: fc.constant("send"),
			clientId: fc.uuid(),
			text: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string())),
		})
		.map((f) => JSON.stringify(f)),
	fc
		.record({ type: fc.constant("send"), clientId: fc.uuid(), text: fc.constantFrom("", "   ", "\n\t ") })
		.map((f) => JSON.stringify(f)),
	fc
		.record({ type: fc.constant("send"), clientId: fc.uuid() })
		.map((f) => JSON.stringify({ ...f, text: "x".repeat(MAX_TEXT_LENGTH + 1) })),
	fc
		.record({
			type: fc.constant("hello"),
			since: fc.oneof(fc.constant(-1), fc.constant(1.5), fc.string(), fc.constant(null)),
		})
		.map((f) => JSON.stringify(f)),
	// Deeply nested JSON.
	fc.integer({ min: 50, max: 2000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
	fc
		.integer({ min: 50, max: 1000 })
		.map((depth) => `{"type":"send","clientId":"abcdefgh","text":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`),
);

const utf8Bytes = (s: string) => new TextEncoder().encode(s).byteLength;
/** Frames sent on one socket, within its budget with room for the hello and a good send after. */
const PER_SOCKET = 80;
/** Pads a bad frame with trailing spaces to `bytes` UTF-8 bytes, so the fuzz covers 1 KiB to the cap too. */
const padded = (frame: string, bytes: number) => frame + " ".repeat(Math.max(0, bytes - utf8Bytes(frame)));

/** Bad text frames of 0 bytes to just under the size cap; binary frames of any content. */
const fuzzFrame = fc.oneof(
	{ arbitrary: badFrame, weight: 6 },
	{
		arbitrary: fc
			.tuple(badFrame, fc.integer({ min: 1024, max: MAX_FRAME_BYTES - 1 }))
			.filter(([frame, bytes]) => utf8Bytes(frame) <= bytes)
			.map(([frame, bytes]) => padded(frame, bytes)),
		weight: 2,
	},
	{ arbitrary: fc.uint8Array({ minLength: 0, maxLength: 2048 }), weight: 1 },
	{ arbitrary: fc.string({ unit: "binary", maxLength: 300 }), weight: 1 },
);

describe("bad input on the room socket", () => {
	it("answers each of 2,000 generated bad frames with exactly one error, stores nothing, and stays usable", async () => {
		const room = await freshRoom();
		const frames = fc.sample(fuzzFrame, { numRuns: 2000, seed: 20261123 });
		expect(frames.filter((f) => typeof f !== "string").length).toBeGreaterThan(50);
		expect(frames.filter((f) => typeof f === "string" && f.length >= 1024).length).toBeGreaterThan(200);
		expect(frames.every((f) => typeof f !== "string" || utf8Bytes(f) <= MAX_FRAME_BYTES)).toBe(true);
		// Each socket has a frame budget (vitest.workers.config.ts: 100), so the fuzz is spread over sockets.
		const codes = new Set<string>();
		for (let i = 0; i < frames.length; i += PER_SOCKET) {
			const socket = await joined(room);
			const chunk = frames.slice(i, i + PER_SOCKET);
			for (const frame of chunk) socket.ws.send(frame);
			for (const error of await socket.take("error", chunk.length)) codes.add(error.code);
			// Exactly one each: the frame after the last answer is the ack of a good send.
			socket.send(sendFrame(newClientId(), `still works ${i}`));
			await socket.ack();
			socket.close();
		}
		expect(codes).toEqual(new Set(["bad_json", "bad_frame", "unknown_type", "text_empty", "text_too_long"]));
		expect(await storedRows(room)).toBe(frames.length / PER_SOCKET);
	});

	it("closes with 1009 on each of 30 generated frames from the cap to 1 MiB, stores nothing, and lets the user reconnect", async () => {
		const room = await freshRoom();
		const client = new TestClient();
		await client.signInAsGuest();
		const sizes = fc.sample(fc.integer({ min: MAX_FRAME_BYTES + 1, max: 1024 * 1024 }), { numRuns: 30, seed: 7 });
		for (const [i, size] of sizes.entries()) {
			const socket = await openSocket(client, roomPath(room));
			await socket.hello();
			// Every other one is a well-formed send whose text alone is too big, the rest are noise.
			const frame = i % 2 ? JSON.stringify(sendFrame(newClientId(), "w".repeat(size))) : "{".repeat(size);
			socket.ws.send(frame);
			expect((await socket.closed).code).toBe(1009);
		}
		expect(await storedRows(room)).toBe(0);
		const socket = await openSocket(client, roomPath(room));
		await socket.hello();
		socket.send(sendFrame(newClientId(), "after the flood"));
		expect((await socket.ack()).seq).toBe(1);
	});

	it("refers errors about a send to its clientId", async () => {
		const socket = await joined(await freshRoom());
		const clientId = newClientId();
		socket.send(sendFrame(clientId, " "));
		expect(await socket.expect("error")).toEqual({
			type: "error",
			code: "text_empty",
			message: "Message text is empty.",
			ref: clientId,
		});
	});

	it("accepts text of exactly the maximum length", async () => {
		const socket = await joined(await freshRoom());
		socket.send(sendFrame(newClientId(), "y".repeat(MAX_TEXT_LENGTH)));
		expect((await socket.ack()).seq).toBe(1);
	});

	it("answers a binary frame with an error and keeps the socket", async () => {
		const socket = await joined(await freshRoom());
		socket.ws.send(new Uint8Array([1, 2, 3]));
		expect(await socket.expect("error")).toMatchObject({ code: "bad_frame" });
		socket.send(sendFrame(newClientId(), "text still works"));
		await socket.ack();
	});

	it("closes with 1009 on a frame over the size cap and stores nothing", async () => {
		const room = await freshRoom();
		const socket = await joined(room);
		socket.send(JSON.stringify(sendFrame(newClientId(), "z".repeat(MAX_FRAME_BYTES))));
		expect((await socket.closed).code).toBe(1009);
		expect(await storedRows(room)).toBe(0);
	});

	it("counts the size cap in UTF-8 bytes, not characters", async () => {
		const socket = await joined(await freshRoom());
		// 6,000 three-byte characters: under the cap in characters, over it in bytes.
		socket.send(JSON.stringify(sendFrame(newClientId(), "€".repeat(6000))));
		expect((await socket.closed).code).toBe(1009);
	});
});
