import { describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { buildRows, RowCache, rowKey } from "./chat-rows";
import { testMessage } from "./message-fixtures";
import type { OutboxEntry } from "./outbox";
import { dayLabel, shortTime } from "./relative-time";

const ada = { id: "ada", name: "Ada", image: null, guest: false };
const bob = { id: "bob", name: "Bob", image: null, guest: false };
const at = (day: number, h: number, m: number) => new Date(2026, 10, day, h, m).getTime();
let seq = 0;
const msg = (author: typeof ada, createdAt: number): ChatMessage =>
	testMessage(++seq, { id: `id${seq}`, author, text: "hi", createdAt });

describe("buildRows", () => {
	it("puts the New messages divider before the first unread message from someone else", () => {
		const mine = msg(ada, at(20, 9, 0));
		const read = msg(bob, at(20, 9, 1));
		const ownAfter = msg(ada, at(20, 9, 2));
		const firstNew = msg(bob, at(20, 9, 3));
		const alsoNew = msg(bob, at(20, 9, 4));
		const rows = buildRows([mine, read, ownAfter, firstNew, alsoNew], [], ada, { unreadAfter: read.seq });
		const kinds = rows.map((r) => (r.kind === "message" ? r.message.seq : r.kind));
		expect(kinds).toEqual(["day", mine.seq, read.seq, ownAfter.seq, "unread", firstNew.seq, alsoNew.seq]);
		// The message after the divider starts a new group, so its author's name shows under it.
		const after = rows[5];
		expect(after?.kind === "message" && after.grouped).toBe(false);
	});

	it("draws no divider when everything is read or nothing was marked", () => {
		const messages = [msg(bob, at(20, 9, 0)), msg(bob, at(20, 9, 1))];
		const last = messages[1]?.seq ?? 0;
		for (const unreadAfter of [last, null, undefined]) {
			expect(buildRows(messages, [], ada, { unreadAfter }).some((r) => r.kind === "unread")).toBe(false);
		}
	});

	it("inserts a divider per local day and groups one author's messages within 5 minutes", () => {
		const rows = buildRows(
			[
				msg(ada, at(20, 9, 0)),
				msg(ada, at(20, 9, 4)),
				msg(ada, at(20, 9, 10)),
				msg(bob, at(20, 9, 11)),
				msg(bob, at(21, 8, 0)),
			],
			[],
			ada,
		);
		expect(
			rows.map((r) =>
				r.kind === "day" || r.kind === "unread"
					? r.kind
					: `${r.kind === "message" ? r.message.author.id : "p"}${r.grouped ? "+" : ""}`,
			),
		).toEqual(["day", "ada", "ada+", "ada", "bob", "day", "bob"]);
	});

	it("puts one divider at each local midnight, across daylight-saving changes", () => {
		// A zone with both changes in the range; Node reads TZ again when it changes.
		vi.stubEnv("TZ", "America/New_York");
		try {
			const hour = 3_600_000;
			const start = new Date(2026, 2, 1, 23, 30).getTime();
			// Every 5 hours for 300 days, plus messages just after the midnights that follow the
			// 23-hour day (8 March) and the 25-hour day (1 November).
			const times = Array.from({ length: 1440 }, (_, i) => start + i * 5 * hour);
			times.push(
				new Date(2026, 2, 8, 12, 0).getTime(),
				new Date(2026, 2, 9, 0, 30).getTime(),
				new Date(2026, 10, 1, 23, 59).getTime(),
				new Date(2026, 10, 2, 0, 0).getTime(),
			);
			times.sort((a, b) => a - b);
			const rows = buildRows(
				times.map((t) => msg(ada, t)),
				[],
				ada,
			);
			// Each message sits under the divider of its own local day, and each day has one divider.
			let divider = 0;
			const misplaced = rows.filter((r) => {
				if (r.kind === "day") divider = r.day;
				return r.kind === "message" && new Date(r.message.createdAt).setHours(0, 0, 0, 0) !== divider;
			});
			expect(misplaced).toEqual([]);
			const dividers = rows.flatMap((r) => (r.kind === "day" ? [r.day] : []));
			expect(dividers).toEqual([...new Set(times.map((t) => new Date(t).setHours(0, 0, 0, 0)))]);
		} finally {
			vi.unstubAllEnvs();
		}
	});

	it("leaves out the first day's divider while older history is still to load", () => {
		const rows = buildRows([msg(ada, at(20, 9, 0)), msg(bob, at(21, 9, 0))], [], ada, { olderToLoad: true });
		expect(rows.map((r) => r.kind)).toEqual(["message", "day", "message"]);
	});

	it("shows unsent messages after stored ones, and drops one once its stored copy arrives", () => {
		const stored = msg(ada, at(20, 9, 0));
		const entry = (clientId: string): OutboxEntry => ({
			clientId,
			text: "x",
			createdAt: at(20, 9, 1),
			status: "queued",
		});
		const rows = buildRows([stored], [entry(stored.clientId), entry("other-client")], ada);
		expect(rows.filter((r) => r.kind === "pending").map((r) => r.key)).toEqual([rowKey("ada", "other-client")]);
		expect(rows.find((r) => r.kind === "message")?.key).toBe(rowKey("ada", stored.clientId));
	});
});

describe("times", () => {
	const now = at(23, 12, 0);
	it("says now, minutes, then the clock time", () => {
		expect(shortTime(now - 10_000, now)).toBe("now");
		expect(shortTime(now - 5 * 60_000, now)).toBe("5m");
		expect(shortTime(at(23, 9, 5), now, "en-US")).toBe("9:05 AM");
	});
	it("names today, yesterday, weekdays, then dates", () => {
		const day = (d: number) => new Date(2026, 10, d).getTime();
		expect(dayLabel(day(23), now, "en-US")).toBe("Today");
		expect(dayLabel(day(22), now, "en-US")).toBe("Yesterday");
		expect(dayLabel(day(19), now, "en-US")).toBe("Thursday");
		expect(dayLabel(day(2), now, "en-US")).toBe("November 2");
	});
});

describe("buildRows with a cache", () => {
	it("keeps the earlier object of every unchanged row and makes a new one for a changed one", () => {
		const cache = new RowCache();
		const first = msg(ada, at(22, 9, 0));
		const second = msg(ada, at(22, 9, 1));
		const before = buildRows([first], [], ada, {}, cache);
		const after = buildRows([first, second], [], ada, {}, cache);
		expect(after.map((r) => r.key)).toEqual(buildRows([first, second], [], ada).map((r) => r.key));
		expect(after[0]).toBe(before[0]);
		expect(after[1]).toBe(before[1]);
		expect(after[2]).toMatchObject({ kind: "message", message: second, grouped: true });
		const edited = { ...first, text: "edited" };
		const changed = buildRows([edited, second], [], ada, {}, cache);
		expect(changed[1]).not.toBe(after[1]);
		expect(changed[1]).toMatchObject({ kind: "message", message: { text: "edited" } });
		expect(changed[2]).toBe(after[2]);
	});

	it("makes a new row when only the grouping of an unchanged message changes", () => {
		const cache = new RowCache();
		const second = msg(ada, at(22, 9, 1));
		const alone = buildRows([second], [], ada, {}, cache);
		const first = msg(ada, at(22, 9, 0));
		const grouped = buildRows([first, second], [], ada, {}, cache);
		expect(alone[1]).toMatchObject({ message: second, grouped: false });
		expect(grouped[2]).toMatchObject({ message: second, grouped: true });
		expect(grouped[2]).not.toBe(alone[1]);
		expect(grouped[0]).toBe(alone[0]);
	});

	it("keeps an unsent message's row until it changes, and drops it once its stored copy is in", () => {
		const cache = new RowCache();
		const stored = msg(ada, at(22, 9, 0));
		const entry: OutboxEntry = { clientId: "c-unsent", text: "on its way", createdAt: at(22, 9, 1), status: "queued" };
		const one = buildRows([stored], [entry], ada, {}, cache);
		const two = buildRows([stored], [entry], ada, {}, cache);
		expect(two[2]).toMatchObject({ kind: "pending", entry });
		expect(two[2]).toBe(one[2]);
		const echoed = testMessage(++seq, { id: `id${seq}`, author: ada, clientId: "c-unsent", createdAt: at(22, 9, 1) });
		const three = buildRows([stored, echoed], [entry], ada, {}, cache);
		expect(three.filter((r) => r.key === rowKey(ada.id, "c-unsent"))).toMatchObject([{ kind: "message" }]);
	});
});
