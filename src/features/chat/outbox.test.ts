import { describe, expect, it } from "vitest";
import { Outbox } from "./outbox";

class MemoryStorage implements Storage {
	private data = new Map<string, string>();
	get length() {
		return this.data.size;
	}
	clear() {
		this.data.clear();
	}
	getItem(key: string) {
		return this.data.get(key) ?? null;
	}
	key(i: number) {
		return [...this.data.keys()][i] ?? null;
	}
	removeItem(key: string) {
		this.data.delete(key);
	}
	setItem(key: string, value: string) {
		this.data.set(key, value);
	}
}

/** Two tabs in one browser: one storage, and a `storage` event in every other tab on each write. */
function twoTabs() {
	const listeners = new Map<string, Set<(e: StorageEvent) => void>>();
	const tab = (name: string) => ({
		addEventListener: (_type: "storage", fn: (e: StorageEvent) => void) => {
			const set = listeners.get(name) ?? new Set();
			set.add(fn);
			listeners.set(name, set);
		},
		removeEventListener: () => {},
	});
	const notifyOthers = (from: string, key: string) => {
		for (const [name, set] of listeners) if (name !== from) for (const fn of set) fn({ key } as StorageEvent);
	};
	return { tab, notifyOthers };
}

describe("Outbox", () => {
	it("survives a reload, and what was on the wire is queued to be sent again", () => {
		const storage = new MemoryStorage();
		const before = new Outbox("k", storage, null);
		before.add("client-aaaaaaaa", "one", 1);
		before.add("client-bbbbbbbb", "two", 2);
		before.update("client-aaaaaaaa", { status: "sending" });
		before.update("client-bbbbbbbb", { status: "failed", error: "too long" });

		const after = new Outbox("k", storage, null);
		expect(after.list().map((e) => [e.clientId, e.status])).toEqual([
			["client-aaaaaaaa", "queued"],
			["client-bbbbbbbb", "failed"],
		]);
	});

	it("forgets an acked message and leaves nothing in storage", () => {
		const storage = new MemoryStorage();
		const outbox = new Outbox("k", storage, null);
		outbox.add("client-aaaaaaaa", "one", 1);
		outbox.remove("client-aaaaaaaa");
		expect(storage.length).toBe(0);
	});

	it("ignores corrupt storage instead of crashing", () => {
		const storage = new MemoryStorage();
		storage.setItem("k:client-aaaaaaaa", '{"clientId":"x"}');
		storage.setItem("k:client-bbbbbbbb", "not json");
		expect(new Outbox("k", storage, null).list()).toEqual([]);
	});

	// Issue 15.2: tabs used to write the whole list from their own memory and erase each other's.
	it("keeps every tab's unsent messages, in the order they were typed", () => {
		const storage = new MemoryStorage();
		const { tab, notifyOthers } = twoTabs();
		const a = new Outbox("k", storage, tab("a"));
		const b = new Outbox("k", storage, tab("b"));
		a.add("client-aaaaaaaa", "from a", 1);
		notifyOthers("a", "k:client-aaaaaaaa");
		b.add("client-bbbbbbbb", "from b", 2);
		notifyOthers("b", "k:client-bbbbbbbb");
		a.add("client-cccccccc", "from a again", 3);
		notifyOthers("a", "k:client-cccccccc");

		const reloaded = new Outbox("k", storage, null);
		expect(reloaded.list().map((e) => e.text)).toEqual(["from a", "from b", "from a again"]);
		expect(b.list().map((e) => e.text)).toEqual(["from a", "from b", "from a again"]);

		a.remove("client-bbbbbbbb");
		notifyOthers("a", "k:client-bbbbbbbb");
		expect(b.list().map((e) => e.text)).toEqual(["from a", "from a again"]);
	});
});
