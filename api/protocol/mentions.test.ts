import { describe, expect, it } from "vitest";
import { mentionedIds, mentionsHere, readableText } from "./mentions";

describe("mention tokens", () => {
	it("finds each mentioned id once, in order, and none inside code", () => {
		expect(mentionedIds("<@a> and <@b> and <@a>")).toEqual(["a", "b"]);
		expect(mentionedIds("`<@a>` and\n```\n<@b>\n```\n<@c>")).toEqual(["c"]);
		expect(mentionedIds("<@bad id> <@>")).toEqual([]);
	});

	it("counts @here only outside code", () => {
		expect(mentionsHere("<!here> standup")).toBe(true);
		expect(mentionsHere("type `<!here>` to ping")).toBe(false);
		expect(mentionsHere("```\n<!here>\n```")).toBe(false);
	});

	it("reads tokens as names for excerpts and notifications", () => {
		expect(readableText("hi <@a>, <@x> <!here>", [{ id: "a", name: "Ada" }])).toBe("hi @Ada, <@x> @here");
	});
});
