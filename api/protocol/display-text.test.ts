import { describe, expect, it } from "vitest";
import { capLength, cleanName, MAX_NAME_LENGTH, nameNeedsId, nameProblem, userLabel } from "./display-text";

describe("names other people see", () => {
	it("refuses names of only invisible characters", () => {
		for (const name of ["", "   ", "\u200B\u200D", "\u3164", "\u2800\u2800", "\u115F"]) {
			expect(nameProblem(name), JSON.stringify(name)).toMatch(/visible character/);
		}
		expect(nameProblem("Ada")).toBeNull();
		// Joiners inside an emoji sequence or a Persian word are fine.
		expect(nameProblem("👩\u200D💻")).toBeNull();
		expect(nameProblem("می\u200Cخواهم")).toBeNull();
	});

	it("refuses control and text-direction characters, and names that are too long", () => {
		expect(nameProblem("evil\u202Egnp.exe")).toMatch(/text-direction/);
		expect(nameProblem("tab\there")).toMatch(/control/);
		expect(nameProblem("a".repeat(MAX_NAME_LENGTH + 1))).toMatch(/at most/);
	});

	it("cleans a provider's name: controls dropped, spaces collapsed, cut by code points", () => {
		expect(cleanName("  Ada\u202E \n Lovelace ", "Guest")).toBe("Ada Lovelace");
		expect(cleanName("\u202E\u2066", "Guest")).toBe("Guest");
		const emoji = "😀".repeat(MAX_NAME_LENGTH);
		const cleaned = cleanName(emoji, "Guest");
		expect(cleaned.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
		// Never half a surrogate pair.
		expect(cleaned).toBe("😀".repeat(MAX_NAME_LENGTH / 2));
	});

	it("caps length without splitting a character made of two units", () => {
		expect(capLength("ab😀", 3)).toBe("ab");
		expect(capLength("ab😀", 4)).toBe("ab😀");
	});

	it("shows a room's id beside a name that could pass for another", () => {
		expect(nameNeedsId("general")).toBe(false);
		expect(nameNeedsId("gеneral")).toBe(true); // Cyrillic е
		expect(nameNeedsId("ｇｅｎｅｒａｌ")).toBe(true);
	});

	it("isolates a name in plain text so it cannot reorder the words around it", () => {
		expect(userLabel({ name: "\u05D0\u05D1", guest: true })).toBe("\u2068\u05D0\u05D1\u2069 (guest)");
	});
});
