import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { deleteFrame, newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import type { HistoryPage, RoomSummary } from "../protocol/http-api";
import { mentionToken } from "../protocol/mentions";
import type { ChatMessage } from "../protocol/room-protocol";

async function makeRoom(client: TestClient, visibility: "public" | "private") {
	const res = await client.postJson("/api/rooms", { name: `export ${crypto.randomUUID().slice(0, 8)}`, visibility });
	expect(res.status).toBe(201);
	return ((await res.json()) as RoomSummary).id;
}

/** Sends texts as one user (each user's burst is 60 in tests), waiting for each ack. */
async function post(client: TestClient, room: string, texts: string[]) {
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	for (const text of texts) {
		socket.send(sendFrame(newClientId(), text));
		await socket.ack();
	}
	return socket;
}

describe("export (issue 20)", () => {
	it("streams every message, oldest first and across pages, as JSON and as Markdown", async () => {
		const ada = new TestClient();
		const adaUser = await ada.signInAsGuest();
		const room = await makeRoom(ada, "public");
		const socket = await post(ada, room, [
			"message 0",
			"message 1",
			`hello ${mentionToken(adaUser.id)}`,
			...Array.from({ length: 47 }, (_, i) => `message ${i + 3}`),
		]);
		// Two more people, so the room holds more than one history page (100) of messages.
		for (let p = 0; p < 2; p++) {
			const other = new TestClient();
			await other.signInAsGuest();
			(
				await post(
					other,
					room,
					Array.from({ length: 40 }, (_, i) => `message ${50 + p * 40 + i}`),
				)
			).close();
		}
		const page = (await (await ada.fetch(`/api/rooms/${room}/messages?after=0&limit=2`)).json()) as HistoryPage;
		const second = page.messages[1];
		if (!second) throw new Error("no second message");
		socket.send(deleteFrame(newClientId(), second.id));
		await socket.ack();
		socket.close();

		const json = await ada.fetch(`/api/rooms/${room}/export?format=json`);
		expect(json.status).toBe(200);
		expect(json.headers.get("content-disposition")).toContain(`${room}.json`);
		const body = (await json.json()) as { room: { id: string }; messages: ChatMessage[] };
		expect(body.room.id).toBe(room);
		expect(body.messages).toHaveLength(130);
		const seqs = body.messages.map((m) => m.seq);
		expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
		expect(body.messages[1]?.deleted).not.toBeNull();
		expect(body.messages[1]?.text).toBe("");
		expect(body.messages.at(-1)?.text).toBe("message 129");

		const md = await ada.fetch(`/api/rooms/${room}/export?format=md`);
		expect(md.headers.get("content-type")).toContain("text/markdown");
		const text = await md.text();
		expect(text).toContain("message 129");
		expect(text).toContain("_Message deleted._");
		expect(text).toContain(`hello @${adaUser.name}`);
		expect(text).not.toContain("message 1\n");
	});

	it("exports a private room only to its members", async () => {
		const ada = new TestClient();
		await ada.signInAsGuest();
		const room = await makeRoom(ada, "private");
		(await post(ada, room, ["secret plans"])).close();
		expect(await (await ada.fetch(`/api/rooms/${room}/export?format=md`)).text()).toContain("secret plans");
		const stranger = new TestClient();
		await stranger.signInAsGuest();
		expect((await stranger.fetch(`/api/rooms/${room}/export`)).status).toBe(404);
		expect((await new TestClient().fetch(`/api/rooms/${room}/export`)).status).toBe(401);
	});
});
