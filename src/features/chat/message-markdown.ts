import MarkdownIt from "markdown-it";

/**
 * A message's text as a small syntax tree the list renders as Solid elements. The tree holds only
 * what chat formatting needs; anything else in the text stays text. Nothing here is HTML: the
 * renderer builds elements from these nodes, never `innerHTML`.
 */
export type MarkdownNode =
	| { type: "text"; text: string }
	| { type: "break" }
	| { type: "strong" | "em" | "del" | "paragraph" | "quote" | "item"; children: MarkdownNode[] }
	| { type: "list"; ordered: boolean; start: number; children: MarkdownNode[] }
	| { type: "code"; text: string }
	| { type: "codeBlock"; language: string; text: string }
	/** `host` is set when the link's text is not its address, so the reader sees where it goes. */
	| { type: "link"; href: string; host: string | null; children: MarkdownNode[] }
	/** `<@userId>`: resolved to the user's current name when shown. */
	| { type: "mention"; userId: string }
	/** `<!here>`: everyone present in the room. */
	| { type: "here" };

/**
 * markdown-it's "zero" preset with only the rules chat formatting needs. HTML is off, so raw tags
 * are text; headings, tables, rules and indented code stay off, so a line starting with `#`, `|`,
 * `---` or four spaces reads as typed. `breaks`: a new line in the box is a new line on screen.
 */
const parser = new MarkdownIt("zero", { html: false, linkify: true, breaks: true, typographer: false }).enable([
	"blockquote",
	"fence",
	"list",
	"emphasis",
	"strikethrough",
	"backticks",
	"link",
	"image",
	"autolink",
	"linkify",
	"escape",
	"newline",
]);

/** Mentions are `<@id>` and `<!here>` in the stored text; ids are the ones the server issues. */
const MENTION = /^<@([A-Za-z0-9_-]{1,64})>/;
const HERE = "<!here>";
parser.inline.ruler.before("autolink", "mention", (state, silent) => {
	if (state.src.charCodeAt(state.pos) !== 0x3c /* < */) return false;
	const rest = state.src.slice(state.pos, state.pos + 80);
	const mention = MENTION.exec(rest);
	const here = rest.startsWith(HERE);
	if (!mention && !here) return false;
	if (!silent) {
		const token = state.push(mention ? "mention" : "here", "", 0);
		token.meta = { userId: mention?.[1] };
	}
	state.pos += mention ? mention[0].length : HERE.length;
	return true;
});

type Token = ReturnType<typeof parser.parse>[number];

/** The only link targets a message may carry; everything else is shown as text. */
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

export function safeHref(href: string): string | null {
	try {
		const url = new URL(href);
		return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
	} catch {
		return null;
	}
}

function plainText(nodes: MarkdownNode[]): string {
	return nodes
		.map((node) => {
			if (node.type === "text" || node.type === "code") return node.text;
			if ("children" in node) return plainText(node.children);
			return "";
		})
		.join("");
}

/** The host shown beside a link whose text says something other than where it goes. */
function hostToShow(url: URL, text: string): string | null {
	const shown = text.trim().replace(/\/$/, "");
	const targets = [url.href, url.href.replace(/\/$/, ""), url.host + url.pathname.replace(/\/$/, "")];
	if (url.protocol === "mailto:") targets.push(url.pathname);
	if (targets.some((target) => target === shown || target.replace(/^https?:\/\//, "") === shown)) return null;
	return url.protocol === "mailto:" ? null : url.host;
}

/** Turns markdown-it's flat inline tokens into nested nodes. */
function inlineNodes(tokens: Token[]): MarkdownNode[] {
	const root: MarkdownNode[] = [];
	const stack: { nodes: MarkdownNode[]; close: string; make: (children: MarkdownNode[]) => MarkdownNode[] }[] = [];
	let out = root;
	const open = (close: string, make: (children: MarkdownNode[]) => MarkdownNode[]) => {
		stack.push({ nodes: out, close, make });
		out = [];
	};
	const pushText = (text: string) => {
		const last = out.at(-1);
		if (last?.type === "text") last.text += text;
		else out.push({ type: "text", text });
	};
	for (const token of tokens) {
		switch (token.type) {
			case "text":
				pushText(token.content);
				break;
			case "softbreak":
			case "hardbreak":
				out.push({ type: "break" });
				break;
			case "code_inline":
				out.push({ type: "code", text: token.content });
				break;
			case "image":
				// Images are not shown: the reader sees what was typed.
				pushText(`![${token.content}](${token.attrGet("src") ?? ""})`);
				break;
			case "mention":
				out.push({ type: "mention", userId: String(token.meta?.userId ?? "") });
				break;
			case "here":
				out.push({ type: "here" });
				break;
			case "strong_open":
				open("strong_close", (children) => [{ type: "strong", children }]);
				break;
			case "em_open":
				open("em_close", (children) => [{ type: "em", children }]);
				break;
			case "s_open":
				open("s_close", (children) => [{ type: "del", children }]);
				break;
			case "link_open": {
				const raw = String(token.attrGet("href") ?? "");
				const href = safeHref(raw);
				const source = token.markup === "linkify" || token.markup === "autolink";
				open("link_close", (children) => {
					// Not a target a message may link to: what was typed, as text.
					if (!href) return [{ type: "text", text: source ? raw : `[${plainText(children)}](${raw})` }];
					const host = source ? null : hostToShow(new URL(href), plainText(children));
					return [{ type: "link", href, host, children }];
				});
				break;
			}
			default: {
				const frame = stack.at(-1);
				if (frame && token.type === frame.close) {
					stack.pop();
					const made = frame.make(out);
					out = frame.nodes;
					out.push(...made);
				}
			}
		}
	}
	// Unclosed (cannot happen with markdown-it's output, but never lose text).
	while (stack.length > 0) {
		const frame = stack.pop();
		if (!frame) break;
		const children = out;
		out = frame.nodes;
		out.push(...children);
	}
	return root;
}

/** Builds the block tree from markdown-it's flat block tokens. */
function blockNodes(tokens: Token[]): MarkdownNode[] {
	const root: MarkdownNode[] = [];
	const stack: { nodes: MarkdownNode[]; node: MarkdownNode & { children: MarkdownNode[] } }[] = [];
	let out = root;
	const open = (node: MarkdownNode & { children: MarkdownNode[] }) => {
		out.push(node);
		stack.push({ nodes: out, node });
		out = node.children;
	};
	const close = () => {
		const frame = stack.pop();
		if (frame) out = frame.nodes;
	};
	for (const token of tokens) {
		switch (token.type) {
			case "paragraph_open":
				// Tight lists hide their paragraphs: the item holds the text directly.
				if (token.hidden) stack.push({ nodes: out, node: { type: "paragraph", children: out } });
				else open({ type: "paragraph", children: [] });
				break;
			case "blockquote_open":
				open({ type: "quote", children: [] });
				break;
			case "bullet_list_open":
				open({ type: "list", ordered: false, start: 1, children: [] });
				break;
			case "ordered_list_open":
				open({ type: "list", ordered: true, start: Number(token.attrGet("start") ?? 1), children: [] });
				break;
			case "list_item_open":
				open({ type: "item", children: [] });
				break;
			case "paragraph_close":
			case "blockquote_close":
			case "bullet_list_close":
			case "ordered_list_close":
			case "list_item_close":
				close();
				break;
			case "fence":
				out.push({ type: "codeBlock", language: token.info.trim().split(/\s+/)[0] ?? "", text: token.content });
				break;
			case "inline":
				out.push(...inlineNodes(token.children ?? []));
				break;
		}
	}
	return root;
}

/**
 * Parsed trees by text: a message is parsed once per revision (its text changes only with one),
 * and scrolling back and forth re-renders from here. Bounded, oldest first out.
 */
const cache = new Map<string, MarkdownNode[]>();
const CACHE_SIZE = 5_000;

export function parseMessage(text: string): MarkdownNode[] {
	const hit = cache.get(text);
	if (hit) return hit;
	const nodes = blockNodes(parser.parse(text, {}));
	if (cache.size >= CACHE_SIZE) {
		const oldest = cache.keys().next();
		if (!oldest.done) cache.delete(oldest.value);
	}
	cache.set(text, nodes);
	return nodes;
}

/** The text with its formatting taken out: for previews, notifications and the tab title. */
export function messagePlainText(text: string): string {
	return plainText(parseMessage(text));
}
