import { createMemo, createSignal, For, type JSX, Match, Show, Switch } from "solid-js";
import { type MarkdownNode, parseMessage } from "./message-markdown";

/** How a mention shows: the user's current name, found by id, and whether it is the reader. */
export type MentionLookup = (userId: string) => { name: string; me: boolean } | null;
/** Asked of the lookup for `<!here>`: null when the room did not count it (its author may not). */
export const HERE_LOOKUP = "<!here>";

function CopyButton(props: { text: string }) {
	const [copied, setCopied] = createSignal(false);
	return (
		<button
			type="button"
			class="absolute top-1 right-1 min-h-6 rounded bg-white/90 px-1.5 text-xs text-zinc-700 opacity-0 ring-1 ring-zinc-300 group-hover/code:opacity-100 focus-visible:opacity-100 dark:bg-zinc-800/90 dark:text-zinc-200 dark:ring-zinc-600"
			aria-label="Copy code"
			onClick={() => {
				void navigator.clipboard?.writeText(props.text).then(() => {
					setCopied(true);
					setTimeout(() => setCopied(false), 1_500);
				});
			}}
		>
			{copied() ? "Copied" : "Copy"}
		</button>
	);
}

function Nodes(props: { nodes: MarkdownNode[]; mention: MentionLookup }): JSX.Element {
	return <For each={props.nodes}>{(node) => <Node node={node} mention={props.mention} />}</For>;
}

/** One node as elements. Text is always set as text; nothing reaches the DOM as HTML. */
function Node(props: { node: MarkdownNode; mention: MentionLookup }): JSX.Element {
	const node = props.node;
	switch (node.type) {
		case "text":
			return node.text;
		case "break":
			return <br />;
		case "strong":
			return (
				<strong class="font-semibold">
					<Nodes nodes={node.children} mention={props.mention} />
				</strong>
			);
		case "em":
			return (
				<em>
					<Nodes nodes={node.children} mention={props.mention} />
				</em>
			);
		case "del":
			return (
				<del>
					<Nodes nodes={node.children} mention={props.mention} />
				</del>
			);
		case "paragraph":
			// Direction per paragraph: a Hebrew line and an English line each read their own way.
			return (
				<p dir="auto" class="overflow-hidden">
					<Nodes nodes={node.children} mention={props.mention} />
				</p>
			);
		case "quote":
			return (
				<blockquote
					dir="auto"
					class="my-0.5 border-l-4 border-zinc-300 pl-2 text-zinc-700 dark:border-zinc-600 dark:text-zinc-300"
				>
					<Nodes nodes={node.children} mention={props.mention} />
				</blockquote>
			);
		case "list":
			return node.ordered ? (
				<ol class="my-0.5 list-decimal pl-6" start={node.start}>
					<Nodes nodes={node.children} mention={props.mention} />
				</ol>
			) : (
				<ul class="my-0.5 list-disc pl-6">
					<Nodes nodes={node.children} mention={props.mention} />
				</ul>
			);
		case "item":
			return (
				<li dir="auto">
					<Nodes nodes={node.children} mention={props.mention} />
				</li>
			);
		case "code":
			return (
				<code class="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] text-rose-700 dark:bg-zinc-800 dark:text-rose-300">
					{node.text}
				</code>
			);
		case "codeBlock":
			return (
				<div class="group/code relative my-1">
					<pre
						// Scrolls sideways rather than widening the row; reachable by keyboard to scroll.
						// biome-ignore lint/a11y/noNoninteractiveTabindex: a horizontally scrolling region must be reachable by keyboard (WCAG 2.1.1)
						tabIndex={0}
						class="overflow-x-auto rounded bg-zinc-100 p-2 font-mono text-[0.85em] whitespace-pre [overflow-wrap:normal] dark:bg-zinc-900"
						data-language={node.language || undefined}
					>
						<code>{node.text.replace(/\n$/, "")}</code>
					</pre>
					<CopyButton text={node.text.replace(/\n$/, "")} />
				</div>
			);
		case "link":
			return (
				<>
					<a
						href={node.href}
						target="_blank"
						rel="noopener noreferrer nofollow"
						class="text-indigo-700 underline decoration-indigo-300 hover:decoration-indigo-700 dark:text-indigo-300 dark:decoration-indigo-500"
					>
						<Nodes nodes={node.children} mention={props.mention} />
					</a>
					{node.host ? <span class="text-xs text-zinc-600 dark:text-zinc-400"> ({node.host})</span> : null}
				</>
			);
		case "mention": {
			const who = () => props.mention(node.userId);
			return (
				<Switch fallback={"@unknown"}>
					<Match when={who()}>
						{(user) => (
							<span
								class="rounded px-0.5 font-medium"
								classList={{
									"bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100": user().me,
									"bg-indigo-50 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200": !user().me,
								}}
								data-mention={node.userId}
							>
								@{user().name}
							</span>
						)}
					</Match>
				</Switch>
			);
		}
		case "here":
			// Only an @here the room counted looks like one; anyone else's is plain text.
			if (!props.mention(HERE_LOOKUP)) return "@here";
			return (
				<span
					class="rounded bg-amber-100 px-0.5 font-medium text-amber-900 dark:bg-amber-900/50 dark:text-amber-100"
					data-mention="here"
				>
					@here
				</span>
			);
	}
}

/**
 * A message's text, formatted: parsed once per text (cached), rendered as Solid elements.
 * Long words and addresses wrap instead of widening the row.
 */
export function MessageBody(props: { text: string; mention: MentionLookup; after?: JSX.Element; dim?: boolean }) {
	// "(edited)" goes at the end of the last paragraph, on its line, as chats show it.
	const body = createMemo(() => {
		const nodes = parseMessage(props.text);
		const last = nodes.at(-1);
		return last?.type === "paragraph" ? { head: nodes.slice(0, -1), tail: last.children } : { head: nodes, tail: null };
	});
	return (
		<div
			dir="auto"
			class="message-body overflow-hidden break-words whitespace-pre-wrap [overflow-wrap:anywhere] [unicode-bidi:isolate] [&>*+*]:mt-1"
			classList={{ "text-zinc-500 dark:text-zinc-400": props.dim }}
		>
			<Nodes nodes={body().head} mention={props.mention} />
			<Show when={body().tail} fallback={props.after}>
				{(tail) => (
					<p dir="auto" class="overflow-hidden">
						<span>
							<Nodes nodes={tail()} mention={props.mention} />
						</span>
						{props.after}
					</p>
				)}
			</Show>
		</div>
	);
}
