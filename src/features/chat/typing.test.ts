import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Author } from "../../../api/protocol/room-protocol";
import { TypingNotices, typingLabel, typingThrottle } from "./typing";

const ada: Author = { id: "ada", name: "Ada", image: null, guest: false };
const bob: Author = { id: "bob", name: "Bob", image: null, guest: false };
const cy: Author = { id: "cy", name: "Cy", image: null, guest: false };
const di: Author = { id: "di", name: "Di", image: null, guest: false };

describe("TypingNotices", () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it("shows a typist until their notice expires, renewed by each new notice", () => {
		const seen: string[][] = [];
		const notices = new TypingNotices((users) => seen.push(users.map((u) => u.id)), 5_000);
		notices.noticed(ada);
		vi.advanceTimersByTime(4_000);
		notices.noticed(ada);
		vi.advanceTimersByTime(4_000);
		expect(seen).toEqual([["ada"]]);
		vi.advanceTimersByTime(1_001);
		expect(seen).toEqual([["ada"], []]);
	});

	it("drops a typist at once when they stop (their message arrived)", () => {
		const seen: string[][] = [];
		const notices = new TypingNotices((users) => seen.push(users.map((u) => u.id)));
		notices.noticed(ada);
		notices.noticed(bob);
		notices.stopped("ada");
		notices.stopped("nobody");
		expect(seen).toEqual([["ada"], ["ada", "bob"], ["bob"]]);
		notices.dispose();
		vi.advanceTimersByTime(10_000);
		expect(seen).toHaveLength(3);
	});
});

describe("typingLabel", () => {
	it.each([
		[[], ""],
		[[ada], "Ada is typing…"],
		[[ada, bob], "Ada and Bob are typing…"],
		[[ada, bob, cy], "Ada, Bob and Cy are typing…"],
		[[ada, bob, cy, di], "Several people are typing…"],
	])("%#", (users, label) => {
		// Names are isolated from the sentence around them; strip the marks to read it.
		expect(typingLabel(users).replace(/[\u2068\u2069]/g, "")).toBe(label);
	});

	// Issue 15.13: a right-to-left override in a name must not reorder the rest of the line.
	it("isolates each name and marks guests", () => {
		const hostile = { id: "x", name: "\u202Eevil", image: null, guest: true };
		expect(typingLabel([hostile, ada])).toBe("\u2068\u202Eevil\u2069 (guest) and \u2068Ada\u2069 are typing…");
	});
});

describe("typingThrottle", () => {
	it("sends on the first keystroke, then at most once per interval, and again right after a reset", () => {
		let t = 0;
		const send = vi.fn(() => true);
		const throttle = typingThrottle(send, 2_000, () => t);
		for (t = 0; t < 5_000; t += 100) throttle.typed();
		expect(send).toHaveBeenCalledTimes(3);
		throttle.reset();
		throttle.typed();
		expect(send).toHaveBeenCalledTimes(4);
	});

	it("tries again on the next keystroke when a send could not go out", () => {
		let t = 0;
		let open = false;
		const send = vi.fn(() => open);
		const throttle = typingThrottle(send, 2_000, () => t);
		throttle.typed();
		t = 100;
		open = true;
		throttle.typed();
		t = 200;
		throttle.typed();
		expect(send).toHaveBeenCalledTimes(2);
	});
});
