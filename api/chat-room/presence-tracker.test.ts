import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Author } from "../protocol/room-protocol";
import { PRESENCE_DELTA_CAP, PRESENCE_LIST_CAP } from "../protocol/room-protocol";
import { PRESENCE_ANNOUNCE_MS, type PresenceDelta, PresenceTracker } from "./presence";

// The tracker on its own, with fake timers: what it must *not* announce is provable only by
// letting all the time pass that it could take, which fake timers do instantly and exactly.
const GRACE_MS = 5_000;
const person = (id: string): Author => ({ id, name: id.toUpperCase(), image: null, guest: false });

function tracker() {
	const connected = new Map<string, Author>();
	const announced: string[][] = [];
	const deltas: PresenceDelta[] = [];
	// What a client holds after applying every delta, as ids in order.
	let held: string[] = [];
	const presence = new PresenceTracker(
		GRACE_MS,
		() => [...connected.values()],
		(delta) => {
			deltas.push(delta);
			held = [...held.filter((id) => !delta.left.includes(id)), ...delta.joined.map((u) => u.id)].sort();
			announced.push(held);
		},
	);
	const arrive = (id: string) => {
		connected.set(id, person(id));
		presence.arrived(person(id));
	};
	const leave = (id: string, stillConnected = false) => {
		if (!stillConnected) connected.delete(id);
		presence.departed(person(id), stillConnected);
	};
	return { presence, announced, deltas, arrive, leave };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("PresenceTracker", () => {
	it("announces an arrival once, a moment later, to everyone", () => {
		const t = tracker();
		t.arrive("a");
		expect(t.announced).toEqual([]);
		vi.advanceTimersByTime(PRESENCE_ANNOUNCE_MS);
		expect(t.announced).toEqual([["a"]]);
	});

	it("says nothing when a user who is already here opens another tab", () => {
		const t = tracker();
		t.arrive("a");
		vi.advanceTimersByTime(PRESENCE_ANNOUNCE_MS);
		t.arrive("a");
		vi.advanceTimersByTime(60_000);
		expect(t.announced).toEqual([["a"]]);
	});

	it("says nothing when one of a user's tabs closes while another stays", () => {
		const t = tracker();
		t.arrive("a");
		vi.advanceTimersByTime(PRESENCE_ANNOUNCE_MS);
		t.leave("a", true);
		vi.advanceTimersByTime(60_000);
		expect(t.announced).toEqual([["a"]]);
	});

	it("announces nothing when a user comes back within the grace period", () => {
		const t = tracker();
		t.arrive("a");
		t.arrive("b");
		vi.advanceTimersByTime(PRESENCE_ANNOUNCE_MS);
		t.leave("a");
		vi.advanceTimersByTime(GRACE_MS - 1);
		t.arrive("a");
		vi.advanceTimersByTime(60_000);
		expect(t.announced).toEqual([["a", "b"]]);
	});

	it("announces a departure exactly when the grace period ends", () => {
		const t = tracker();
		t.arrive("a");
		t.arrive("b");
		vi.advanceTimersByTime(PRESENCE_ANNOUNCE_MS);
		t.leave("a");
		vi.advanceTimersByTime(GRACE_MS + PRESENCE_ANNOUNCE_MS - 1);
		expect(t.announced).toEqual([["a", "b"]]);
		vi.advanceTimersByTime(1);
		expect(t.announced).toEqual([["a", "b"], ["b"]]);
	});

	it("sends one list, not one per arrival, when many arrive at once (as after a deploy)", () => {
		const t = tracker();
		for (const id of ["a", "b", "c", "d", "e", "f"]) t.arrive(id);
		vi.advanceTimersByTime(60_000);
		expect(t.announced).toEqual([["a", "b", "c", "d", "e", "f"]]);
	});

	it("sends each change as a delta, not the list, and caps what a crowd sends", () => {
		const t = tracker();
		for (let i = 0; i < 2_000; i++) t.arrive(`u${String(i).padStart(4, "0")}`);
		vi.advanceTimersByTime(PRESENCE_ANNOUNCE_MS);
		expect(t.deltas).toHaveLength(1);
		expect(t.deltas[0]?.joined).toHaveLength(PRESENCE_DELTA_CAP);
		expect(t.deltas[0]?.total).toBe(2_000);
		// One more arrival: one name goes out, not 2,001.
		t.arrive("zz");
		vi.advanceTimersByTime(PRESENCE_ANNOUNCE_MS);
		expect(t.deltas[1]).toEqual({ joined: [person("zz")], left: [], total: 2_001 });
		// A newcomer's list is capped too, with the true count.
		const snapshot = t.presence.snapshot();
		expect(snapshot.users).toHaveLength(PRESENCE_LIST_CAP);
		expect(snapshot.total).toBe(2_001);
	});
});
