import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { newClientId, openSocket, roomPath, sendFrame } from "../../tests/workers/room-socket";
import type { ChatRoomDurableObject } from "../chat-room/ChatRoomDurableObject";
import type { RoomActivity, RoomSummary } from "../protocol/http-api";

async function post(client: TestClient, room: string, n: number) {
	const socket = await openSocket(client, roomPath(room));
	await socket.hello();
	for (let i = 0; i < n; i++) {
		socket.send(sendFrame(newClientId(), `activity ${i}`));
		await socket.ack();
	}
	socket.close();
}

describe("room activity from the archive (issue 20)", () => {
	it("counts messages per day for 30 days, the top posters and the busiest hours", async () => {
		const ada = new TestClient();
		const adaUser = await ada.signInAsGuest();
		const bo = new TestClient();
		const boUser = await bo.signInAsGuest();
		const res = await ada.postJson("/api/rooms", {
			name: `activity ${crypto.randomUUID().slice(0, 8)}`,
			visibility: "public",
		});
		const room = ((await res.json()) as RoomSummary).id;
		expect((await bo.postJson(`/api/rooms/${room}/join`, {})).status).toBe(200);
		await post(ada, room, 5);
		await post(bo, room, 2);
		const stub = env.CHAT_ROOM.getByName(room) as DurableObjectStub<ChatRoomDurableObject>;
		for (let i = 0; i < 5 && (await stub.getSync()).pending > 0; i++) await runDurableObjectAlarm(stub);

		const activity = (await (await ada.fetch(`/api/rooms/${room}/activity`)).json()) as RoomActivity;
		expect(activity.perDay).toHaveLength(30);
		expect(activity.perDay.at(-1)?.count).toBe(7);
		expect(activity.perDay.slice(0, -1).every((d) => d.count === 0)).toBe(true);
		expect(activity.topPosters.map((p) => [p.id, p.count])).toEqual([
			[adaUser.id, 5],
			[boUser.id, 2],
		]);
		expect(activity.busiestHours[0]).toEqual({ hour: new Date().getUTCHours(), count: 7 });
	});
});
