import { describe, expect, it } from "vitest";
import { decodeMentions, encodeMentions, insideOpenFence, mentionQuery } from "./composer-text";

describe("composer text", () => {
	it("stores picked names as tokens, longest name first, and only whole names", () => {
		const chosen = new Map([
			["Ann", "u1"],
			["Ann Lee", "u2"],
		]);
		expect(encodeMentions("@Ann Lee and @Ann, not @Annabel", chosen)).toBe("<@u2> and <@u1>, not @Annabel");
		expect(encodeMentions("@here standup", new Map())).toBe("<!here> standup");
		expect(encodeMentions("@Bob typed by hand", chosen)).toBe("@Bob typed by hand");
		expect(encodeMentions("@A.B (x)", new Map([["A.B (x)", "u3"]]))).toBe("<@u3>");
		// An address is not a mention, and code is shown as typed.
		expect(encodeMentions("mail ops@here.com", new Map())).toBe("mail ops@here.com");
		expect(encodeMentions("type `@here` or\n```\n@Ann\n```\n@Ann", chosen)).toBe(
			"type `@here` or\n```\n@Ann\n```\n<@u1>",
		);
	});

	it("gives a stored text back with its names, and round-trips", () => {
		const stored = "hi <@u1> and <@gone> <!here>";
		const { text, chosen } = decodeMentions(stored, [{ id: "u1", name: "Ada" }]);
		expect(text).toBe("hi @Ada and <@gone> @here");
		expect(encodeMentions(text, chosen)).toBe(stored);
	});

	it("knows the @query at the caret", () => {
		expect(mentionQuery("hello @ad", 9)).toEqual({ start: 6, query: "ad" });
		expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
		expect(mentionQuery("mail a@b", 8)).toBeNull();
		expect(mentionQuery("@Quiet Otter 4", 14)).toEqual({ start: 0, query: "Quiet Otter 4" });
		expect(mentionQuery("@a b c d e", 10)).toBeNull();
		expect(mentionQuery("@ada\nnext", 9)).toBeNull();
		// A long pasted word followed by a character that cannot match answers at once.
		const long = `@${"x".repeat(5_000)}<`;
		const start = performance.now();
		expect(mentionQuery(long, long.length)).toBeNull();
		expect(performance.now() - start).toBeLessThan(50);
		expect(mentionQuery(`${"a ".repeat(100)}@ad`, 203)).toEqual({ start: 200, query: "ad" });
	});

	it("knows when the caret is inside an open code block", () => {
		expect(insideOpenFence("```js\nconst a = 1;", 18)).toBe(true);
		expect(insideOpenFence("```\ncode\n```", 12)).toBe(false);
		expect(insideOpenFence("no code", 7)).toBe(false);
		expect(insideOpenFence("text ```inline``` stays", 23)).toBe(false);
	});
});
