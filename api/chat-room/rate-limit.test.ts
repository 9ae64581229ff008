import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { freshRoom, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";

// vitest.workers.config.ts pins a burst of 60 and a refill of one send per 100 s.
const BURST = 60;

describe("per-user rate limit", () => {
	it("allows exactly the burst across all of a user's sockets, survives hibernation, and spares others", async () => {
		const room = await freshRoom();
		const client = new TestClient();
		await client.signInAsGuest();
		const tab1 = await openSocket(client, roomPath(room));
		const tab2 = await openSocket(client, roomPath(room));
		await tab1.hello();
		await tab2.hello();

		for (let i = 0; i < BURST / 2; i++) {
			tab1.send(sendFrame(newClientId(), `tab1 ${i}`));
			tab2.send(sendFrame(newClientId(), `tab2 ${i}`));
		}
		const acks = [...(await tab1.collect("ack", BURST / 2)), ...(await tab2.collect("ack", BURST / 2))];
		expect(new Set(acks.map((a) => a.seq)).size).toBe(BURST);

		await evictDurableObject(env.CHAT_ROOM.getByName(room), { webSockets: "hibernate" });

		const over = newClientId();
		tab2.send(sendFrame(over, "one too many"));
		const error = await tab2.collect("error", 1);
		expect(error[0]).toMatchObject({ code: "rate_limited", ref: over });
		expect(error[0]?.retryAfterMs).toBeGreaterThan(90_000);
		expect(error[0]?.retryAfterMs).toBeLessThanOrEqual(100_000);

		const other = new TestClient();
		await other.signInAsGuest();
		const otherSocket = await openSocket(other, roomPath(room));
		await otherSocket.hello();
		otherSocket.send(sendFrame(newClientId(), "someone else"));
		expect((await otherSocket.ack()).seq).toBe(BURST + 1);
	});

	it("does not charge a resend of an already stored message", async () => {
		const room = await freshRoom();
		const client = new TestClient();
		await client.signInAsGuest();
		const socket = await openSocket(client, roomPath(room));
		await socket.hello();
		const clientId = newClientId();
		for (let i = 0; i < BURST + 5; i++) socket.send(sendFrame(clientId, "same message"));
		const acks = await socket.collect("ack", BURST + 5);
		expect(new Set(acks.map((a) => a.seq))).toEqual(new Set([1]));
	});
});
