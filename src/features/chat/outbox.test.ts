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

describe("Outbox", () => {
	it("survives a reload, and what was on the wire is queued to be sent again", () => {
		const storage = new MemoryStorage();
		const before = new Outbox("k", storage);
		before.add("client-aaaaaaaa", "one", 1);
		before.add("client-bbbbbbbb", "two", 2);
		before.update("client-aaaaaaaa", { status: "sending" });
		before.update("client-bbbbbbbb", { status: "failed", error: "too long" });

		const after = new Outbox("k", storage);
		expect(after.list().map((e) => [e.clientId, e.status])).toEqual([
			["client-aaaaaaaa", "queued"],
			["client-bbbbbbbb", "failed"],
		]);
	});

	it("forgets an acked message and clears storage when empty", () => {
		const storage = new MemoryStorage();
		const outbox = new Outbox("k", storage);
		outbox.add("client-aaaaaaaa", "one", 1);
		outbox.remove("client-aaaaaaaa");
		expect(storage.getItem("k")).toBeNull();
	});

	it("ignores corrupt storage instead of crashing", () => {
		const storage = new MemoryStorage();
		storage.setItem("k", '[{"clientId":"x"}]');
		expect(new Outbox("k", storage).list()).toEqual([]);
	});
});
