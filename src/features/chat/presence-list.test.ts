import { describe, expect, it } from "vitest";
import type { Author } from "../../../api/protocol/room-protocol";
import { applyPresenceDelta } from "./presence-list";

const person = (id: string, name = id.toUpperCase()): Author => ({ id, name, image: null, guest: false });

describe("applyPresenceDelta", () => {
	it("adds arrivals in name order and removes departures by id", () => {
		const list = applyPresenceDelta([person("b"), person("d")], { joined: [person("c"), person("a")], left: ["d"] });
		expect(list.map((u) => u.id)).toEqual(["a", "b", "c"]);
	});

	it("replaces a user who changed their name instead of listing them twice", () => {
		const list = applyPresenceDelta([person("a", "Ada")], { joined: [person("a", "Zed")], left: [] });
		expect(list).toEqual([person("a", "Zed")]);
	});

	it("changes nothing when the same delta comes twice (it may cross the welcome's full list)", () => {
		const delta = { joined: [person("x")], left: ["y"] };
		const once = applyPresenceDelta([person("y"), person("z")], delta);
		expect(applyPresenceDelta(once, delta)).toEqual(once);
	});
});
