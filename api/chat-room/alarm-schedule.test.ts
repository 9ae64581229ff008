import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshRoom } from "../../tests/workers/room-socket";
import { AlarmSchedule } from "./alarm-schedule";

describe("AlarmSchedule", () => {
	it("moves the alarm only sooner, or sets it only when none is set, and after a run picks the soonest job", async () => {
		const stub = env.CHAT_ROOM.getByName(await freshRoom("alarm"));
		const seen = await runInDurableObject(stub, async (_instance, state) => {
			await state.storage.deleteAlarm();
			const schedule = new AlarmSchedule(state.storage);
			const base = Date.now() + 3_600_000;
			const at: Array<number | null> = [];
			await schedule.request(base + 5_000);
			at.push(await state.storage.getAlarm());
			await schedule.request(base + 9_000);
			at.push(await state.storage.getAlarm());
			await schedule.request(base + 1_000);
			at.push(await state.storage.getAlarm());
			await schedule.request(base, true);
			at.push(await state.storage.getAlarm());
			await schedule.fired([null, base + 7_000, base + 3_000]);
			at.push(await state.storage.getAlarm());
			return { at, base };
		});
		const { at, base } = seen;
		expect(at).toEqual([base + 5_000, base + 5_000, base + 1_000, base + 1_000, base + 3_000]);
	});
});
