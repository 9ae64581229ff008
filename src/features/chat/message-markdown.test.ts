import { describe, expect, it } from "vitest";
import { type MarkdownNode, messagePlainText, parseMessage, safeHref } from "./message-markdown";

/** Every node of a tree, depth first. */
function walk(nodes: MarkdownNode[]): MarkdownNode[] {
	return nodes.flatMap((node) => [node, ...("children" in node ? walk(node.children) : [])]);
}
const types = (text: string) => walk(parseMessage(text)).map((n) => n.type);
const links = (text: string) =>
	walk(parseMessage(text)).flatMap((n) => (n.type === "link" ? [{ href: n.href, host: n.host }] : []));

describe("message Markdown", () => {
	it.each([
		["**bold**", "strong"],
		["_it_ and *it*", "em"],
		["~~gone~~", "del"],
		["`x = 1`", "code"],
		["```ts\nconst a = 1;\n```", "codeBlock"],
		["> quoted", "quote"],
		["- one\n- two", "list"],
		["1. one\n2. two", "list"],
		["[site](https://example.com)", "link"],
		["see https://example.com/path", "link"],
	])("formats %j", (text, type) => {
		expect(types(text)).toContain(type);
	});

	it.each([
		["# Big heading", "# Big heading"],
		["## smaller", "## smaller"],
		["<b>bold?</b>", "<b>bold?</b>"],
		["<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"],
		["<script>alert(1)</script>", "<script>alert(1)</script>"],
		["![alt](https://example.com/x.png)", "![alt](https://example.com/x.png)"],
		["---", "---"],
		["    indented", "indented"],
		["| a | b |\n|---|---|", "| a | b |"],
	])("keeps %j as text", (text, shown) => {
		const all = walk(parseMessage(text));
		expect(all.every((n) => n.type === "text" || n.type === "paragraph" || n.type === "break")).toBe(true);
		expect(messagePlainText(text)).toContain(shown);
	});

	it("a code block keeps its text exactly, Markdown and HTML included", () => {
		const [block] = parseMessage("```\n**not bold** <b>x</b>\n\n  indented\n```");
		expect(block).toEqual({ type: "codeBlock", language: "", text: "**not bold** <b>x</b>\n\n  indented\n" });
	});

	it.each([
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](javascript&#58;alert(1))",
		"[x](data:text/html;base64,PHNjcmlwdD4=)",
		"[x](vbscript:msgbox(1))",
		"[x](file:///etc/passwd)",
		"<javascript:alert(1)>",
		"[x](//evil.example)",
	])("never links %j", (text) => {
		expect(links(text)).toEqual([]);
	});

	it("links only http, https and mailto, and shows the host when the text says something else", () => {
		expect(links("[docs](https://example.com/docs)")).toEqual([
			{ href: "https://example.com/docs", host: "example.com" },
		]);
		expect(links("https://example.com/docs")).toEqual([{ href: "https://example.com/docs", host: null }]);
		expect(links("[https://example.com](https://example.com)")).toEqual([{ href: "https://example.com/", host: null }]);
		expect(links("[write](mailto:a@example.com)")).toEqual([{ href: "mailto:a@example.com", host: null }]);
		expect(safeHref("ftp://example.com")).toBeNull();
	});

	it("renders a pathological input in bounded time", () => {
		const bombs = [
			"*a **a ".repeat(2_000),
			"[".repeat(4_000),
			"**".repeat(2_000),
			"`".repeat(4_000),
			"> ".repeat(2_000),
			"- ".repeat(2_000),
			"_a_".repeat(1_500) + "*".repeat(1_000),
		];
		for (const text of bombs) {
			const start = performance.now();
			parseMessage(text);
			expect(performance.now() - start, text.slice(0, 20)).toBeLessThan(500);
		}
	});

	it("keeps zero-width and bidi characters as text, inside their node", () => {
		const text = "a\u200Bb \u202Eevil\u202C **x\u2066y**";
		expect(messagePlainText(text)).toBe("a\u200Bb \u202Eevil\u202C x\u2066y");
	});

	it("reads mentions by id and @here", () => {
		const nodes = walk(parseMessage("hi <@user_1> and <!here>, not <@> or <@bad id>"));
		expect(nodes.filter((n) => n.type === "mention")).toEqual([{ type: "mention", userId: "user_1" }]);
		expect(nodes.filter((n) => n.type === "here")).toHaveLength(1);
	});

	it("parses a text once and serves it from the cache after", () => {
		const text = `cached ${Math.random()}`;
		expect(parseMessage(text)).toBe(parseMessage(text));
	});

	it("a new line in the text is a line break", () => {
		expect(types("one\ntwo")).toContain("break");
	});
});
