import { describe, expect, it } from "vitest";
import { parseRoomId, roomSlug } from "./room-id";

describe("roomSlug", () => {
	it.each([
		["General", "general"],
		["  Design Team  ", "design-team"],
		["Café Déjà Vu", "cafe-deja-vu"],
		["release/2.0 — planning!!", "release-2-0-planning"],
		["--edge--", "edge"],
		["Ｆｕｌｌｗｉｄｔｈ", "fullwidth"],
		["🎉🎉", ""],
		["!!!", ""],
	])("turns %j into %j", (name, slug) => {
		expect(roomSlug(name)).toBe(slug);
	});

	it("always yields a valid room id or nothing", () => {
		const samples = ["a".repeat(200), `${"x-".repeat(40)}y`, "Ünïcödé rööm", "a  b\tc\nd", "Ⅻ o'clock"];
		for (const name of samples) {
			const slug = roomSlug(name);
			expect(slug === "" || parseRoomId(slug) === slug).toBe(true);
			expect(slug.length).toBeLessThanOrEqual(48);
			expect(slug.endsWith("-")).toBe(false);
		}
	});
});
