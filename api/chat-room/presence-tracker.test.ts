import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Author } from "../protocol/room-protocol";
import { PRESENCE_ANNOUNCE_MS, PresenceTracker } from "./presence";

// The tracker on its own, with fake timers: what it must *not* announce is provable only by
// letting all the time pass that it could take, which fake timers do instantly and exactly.
const GRACE_MS = 5_000;
const person = (id: string): Author => ({ id, name: id.toUpperCase(), image: null, guest: false });

function tracker() {
	const connected = new Map<string, Author>();
	const announced: string[][] = [];
	const presence = new PresenceTracker(
		GRACE_MS,
		() => [...connected.values()],
		(users) => announced.push(users.map((u) => u.id)),
	);
	const arrive = (id: string) => {
		connected.set(id, person(id));
		return presence.arrived(person(id));
	};
	const leave = (id: string, stillConnected = false) => {
		if (!stillConnected) connected.delete(id);
		presence.departed(person(id), stillConnected);
	};
	return { presence, announced, arrive, leave };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("PresenceTracker", () => {
	it("announces an arrival once, a moment later, to everyone", () => {
		const t = tracker();
		expect(t.arrive("a")).toBe(true);
		expect(t.announced).toEqual([]);
		vi.advanceTimersByTime(PRESENCE_ANNOUNCE_MS);
		expect(t.announced).toEqual([["a"]]);
	});

	it("says nothing when a user who is already here opens another tab", () => {
		const t = tracker();
		t.arrive("a");
		vi.advanceTimersByTime(PRESENCE_ANNOUNCE_MS);
		expect(t.arrive("a")).toBe(false);
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
});
