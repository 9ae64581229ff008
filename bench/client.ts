import { readFileSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "@playwright/test";
import { PROTOCOL_VERSION } from "../api/protocol/version.ts";
import { SECURITY_HEADERS } from "../api/security-headers.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../scripts/chromium-args.ts";
import { guestCookie, messageText, openSocket } from "./lib/room-clients.ts";
import { seedRooms } from "./lib/seed.ts";
import type { ParlorServer } from "./lib/servers.ts";
import { percentile, round, sendOnSchedule, sleep } from "./lib/stats.ts";

// The page says the protocol the room speaks now: a room closes a socket that says an older one,
// and a baseline with no live messages would measure an idle page (it did, from protocol 5 on).
const BASELINE_HTML = readFileSync("bench/baselines/windowed-list.html", "utf8").replace(
	"__PROTOCOL_VERSION__",
	String(PROTOCOL_VERSION),
);
type Variant = "parlor" | "baseline";

async function newContext(browser: Browser, baseUrl: string, variant: Variant): Promise<BrowserContext> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const cookie = await guestCookie(baseUrl);
	await context.addCookies(
		cookie.split("; ").map((pair) => {
			const eq = pair.indexOf("=");
			return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: baseUrl };
		}),
	);
	// The baseline page is served on Parlor's origin, so it uses the same API, socket and cookies,
	// and it carries the headers every page there gets (api/security-headers.ts; not the CSP, which
	// would refuse its inline script). Cross-Origin-Opener-Policy among them makes Chromium swap the
	// new tab's first renderer for a fresh process: about 350 ms here, which the bare page skipped
	// (first row at 230–375 ms without the headers, 543–652 ms with them, in a probe).
	// Only its context routes: any route turns the browser's HTTP cache off for the whole context
	// and sends every request through Playwright, so Parlor's returning visitor would fetch all of
	// its page's files again, one interception each (it did, until 2026-12-02 "afternoon").
	if (variant === "baseline")
		await context.route("**/__bench/windowed*", (route) =>
			route.fulfill({ contentType: "text/html", body: BASELINE_HTML, headers: { ...SECURITY_HEADERS } }),
		);
	return context;
}

const url = (variant: Variant, base: string, room: string) =>
	variant === "parlor" ? `${base}/rooms/${room}` : `${base}/__bench/windowed?room=${room}`;
const rowSelector = (variant: Variant) => (variant === "parlor" ? "article[data-seq]" : ".row[data-seq]");

/** Milliseconds from navigation start until the first history row is on screen, for one load. */
async function paintOnce(context: BrowserContext, variant: Variant, base: string, room: string, emptyCache: boolean) {
	const page = await context.newPage();
	// An empty cache is a first visit: no file of the page, and no code V8 compiled for it, is kept.
	if (emptyCache) await (await context.newCDPSession(page)).send("Network.clearBrowserCache");
	await page.addInitScript((selector) => {
		const w = window as unknown as { __firstRow?: number };
		new MutationObserver((_, observer) => {
			if (w.__firstRow === undefined && document.querySelector(selector)) {
				// The frame after the row is in the DOM is the frame that shows it.
				requestAnimationFrame(() => {
					w.__firstRow = performance.now();
				});
				observer.disconnect();
			}
		}).observe(document, { childList: true, subtree: true });
	}, rowSelector(variant));
	await page.goto(url(variant, base, room));
	await page.waitForFunction(() => (window as unknown as { __firstRow?: number }).__firstRow !== undefined);
	const ms = await page.evaluate(() => (window as unknown as { __firstRow: number }).__firstRow);
	await page.close();
	return ms;
}

/**
 * First history paint, median of `runs` loads each: with an empty cache (a first visit), and as
 * a returning visitor (after one unrecorded load), whose browser keeps the hashed assets.
 */
async function firstPaint(context: BrowserContext, variant: Variant, base: string, room: string, runs: number) {
	const cold: number[] = [];
	for (let i = 0; i < runs; i++) cold.push(await paintOnce(context, variant, base, room, true));
	await paintOnce(context, variant, base, room, false);
	const warm: number[] = [];
	for (let i = 0; i < runs; i++) warm.push(await paintOnce(context, variant, base, room, false));
	return { coldMs: round(percentile(cold, 50)), warmMs: round(percentile(warm, 50)) };
}

const EMOJI = ["👍", "🎉", "😂", "❤️", "👀", "🔥", "🙏", "✅"];

/**
 * Frame rate and long frames while a publisher posts `rate` messages/s into the open room, as a
 * living room looks (issue 18): every fourth message is a reply to an earlier one, and with every
 * second message the publisher toggles a reaction on one of the newest messages, so rows change
 * after they are drawn.
 */
async function framesUnderLoad(
	page: Page,
	base: string,
	room: string,
	rate: number,
	seconds: number,
	text: (id: number, i: number) => string = messageText,
) {
	await page.evaluate(() => {
		// Each recording has its own number: a step that starts within a frame of the last one's end
		// would otherwise revive the last one's loop, and two loops count every frame twice (a
		// probe saw "79.8 fps").
		const w = window as unknown as { __frames: number[]; __recording: number };
		const recording = (w.__recording ?? 0) + 1;
		w.__frames = [];
		w.__recording = recording;
		const tick = (t: number) => {
			if (w.__recording !== recording) return;
			w.__frames.push(t);
			requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	});
	const cookie = await guestCookie(base);
	const ws = await openSocket(
		`${base.replace("http", "ws")}/api/rooms/${room}/socket`,
		{ cookie, origin: base },
		false,
	);
	const recent: string[] = [];
	let lastSeq = 0;
	ws.on("message", (data) => {
		const ack = /"type":"ack","clientId":"fps-[0-9a-z]+","seq":(\d+),"id":"([0-9A-Z]+)"/.exec(String(data));
		if (!ack?.[2]) return;
		lastSeq = Math.max(lastSeq, Number(ack[1]));
		recent.push(ack[2]);
		if (recent.length > 20) recent.shift();
	});
	let sent = 0;
	await sendOnSchedule(Math.round(rate * seconds), rate, () => {
		const id = 900_000_000 + Math.floor(Math.random() * 1e8);
		const i = sent++;
		const parent = recent[0];
		const reply = i % 4 === 0 && parent ? `,"replyTo":"${parent}"` : "";
		ws.send(`{"type":"send","clientId":"fps-${id.toString(36)}","text":${JSON.stringify(text(id, i))}${reply}}`);
		const target = recent.at(-1 - (i % 5));
		if (i % 2 === 0 && target) {
			const emoji = EMOJI[(i >> 1) % EMOJI.length];
			ws.send(
				JSON.stringify({ type: "react", clientId: `fpsr-${id.toString(36)}`, messageId: target, emoji, on: true }),
			);
		}
	});
	await sleep(300);
	ws.terminate();
	const frames = await page.evaluate(() => {
		const w = window as unknown as { __frames: number[]; __recording: number };
		w.__recording += 1;
		return w.__frames;
	});
	if (lastSeq === 0) throw new Error("no message sent to the page's room was acked");
	// The page must have shown the last message sent: a page that stopped receiving (a refused
	// socket) would otherwise be measured as a smooth one.
	await page
		.waitForFunction(
			(seq) => [...document.querySelectorAll<HTMLElement>("[data-seq]")].some((el) => Number(el.dataset.seq) >= seq),
			lastSeq,
			{ timeout: 15_000 },
		)
		.catch(async () => {
			throw new Error(
				`the page never showed seq ${lastSeq}: it is not receiving live messages, or its list stopped following (${await listState(page)})`,
			);
		});
	const gaps = frames.slice(1).map((t, i) => t - (frames[i] ?? t));
	const elapsed = ((frames.at(-1) ?? 0) - (frames[0] ?? 0)) / 1000;
	return {
		rate,
		fps: round((frames.length - 1) / elapsed),
		longFrames: gaps.filter((g) => g > 50).length,
		worstFrameMs: round(Math.max(...gaps), 1),
	};
}

/** What a list that stopped showing new messages looked like: enough to tell a dead socket from a list left behind. */
async function listState(page: Page): Promise<string> {
	return page
		.evaluate(() => {
			const list =
				document.querySelector<HTMLElement>('[data-testid="message-scroller"]') ?? document.querySelector("#scroller");
			if (!list) return "no list";
			const seqs = [...list.querySelectorAll<HTMLElement>("[data-seq]")].map((el) => Number(el.dataset.seq));
			const below = list.scrollHeight - list.scrollTop - list.clientHeight;
			const jump = [...document.querySelectorAll("button")].find((b) =>
				/Jump to present|new message/.test(b.textContent ?? ""),
			);
			return `rows seq ${Math.min(...seqs)}–${Math.max(...seqs)}, ${Math.round(below)} px below the view, jump button ${jump ? `"${jump.textContent}"` : "absent"}`;
		})
		.catch((error: unknown) => `state unreadable: ${String(error)}`);
}

async function heapMb(page: Page): Promise<number> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send("HeapProfiler.collectGarbage");
	await cdp.send("Performance.enable");
	const { metrics } = await cdp.send("Performance.getMetrics");
	return round((metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? Number.NaN) / 2 ** 20, 1);
}

/** Loads the whole room into the page (scrolling to the top page after page), then counts rows and heap. */
async function loadedFootprint(page: Page, variant: Variant, messages: number) {
	const started = Date.now();
	if (variant === "baseline") {
		await page.evaluate(() => (window as unknown as { __bench: { loadAll(): Promise<void> } }).__bench.loadAll());
	} else {
		// Scrolled from inside the page, once per frame, as a reader holding the scrollbar at the top would.
		await page.getByTestId("message-scroller").evaluate(
			(el, timeoutMs) =>
				new Promise<void>((resolve, reject) => {
					const deadline = performance.now() + timeoutMs;
					const step = () => {
						if (el.querySelector('article[data-seq="1"]')) return resolve();
						if (performance.now() > deadline) return reject(new Error("history did not finish loading"));
						el.scrollTop = 0;
						requestAnimationFrame(step);
					};
					step();
				}),
			15 * 60_000,
		);
	}
	const loadSeconds = round((Date.now() - started) / 1000, 1);
	const rows = await page.locator(variant === "parlor" ? "[data-index]" : ".row").count();
	return { messages, domRows: rows, heapMb: await heapMb(page), loadSeconds };
}

/**
 * Wheel to the top until the older page is requested; hold that request until the wheel's scroll
 * has come to rest (so the reader's own scrolling is not counted), then release it and record
 * where the message in view is in every painted frame: the worst distance from its resting place
 * is the jump. Latency runs from the release until the older rows are in the DOM.
 */
async function olderHistory(page: Page, variant: Variant, rounds: number) {
	const scroller = page.locator(variant === "parlor" ? '[data-testid="message-scroller"]' : "#scroller");
	const selector = rowSelector(variant);
	await scroller.hover();
	const jumps: number[] = [];
	const latencies: number[] = [];
	const traces: Array<{ rest: number; anchor: string; frames: number[] }> = [];
	for (let r = 0; r < rounds; r++) {
		let release: () => void = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		let requested = false;
		const hold = async (route: import("@playwright/test").Route) => {
			requested = true;
			await held;
			await route.continue();
		};
		await page.route(/\/messages\?.*before=/, hold);
		for (let i = 0; i < 100 && !requested; i++) {
			await page.mouse.wheel(0, -300);
			await sleep(16);
		}
		// The anchor: the second row in view (the first may regroup when older messages arrive).
		// Only rows actually on screen: the list also renders clipped overscan rows above the viewport.
		const anchor = await page.evaluate(
			({ sel, scrollerSel }) => {
				const view = document.querySelector(scrollerSel)?.getBoundingClientRect();
				const rows = [...document.querySelectorAll<HTMLElement>(sel)].filter((el) => {
					const rect = el.getBoundingClientRect();
					return view !== undefined && rect.top >= view.top && rect.bottom <= view.bottom;
				});
				rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
				const oldest = Math.min(
					...[...document.querySelectorAll<HTMLElement>(sel)].map((el) => Number(el.dataset.seq)),
				);
				return { seq: rows[1]?.dataset.seq ?? rows[0]?.dataset.seq ?? "", oldest };
			},
			{ sel: selector, scrollerSel: variant === "parlor" ? '[data-testid="message-scroller"]' : "#scroller" },
		);
		const anchorSelector = `${selector.split("[")[0]}[data-seq="${anchor.seq}"]`;
		// Each frame is read after it has rendered (a task posted from its animation frame), so the
		// figure is what the reader saw: inside the callback the layout is the one before the
		// frame's ResizeObserver corrections, which the browser applies before painting.
		const paintedTops = (frames: number) =>
			page.evaluate(
				({ sel, frames }) =>
					new Promise<number[]>((resolve) => {
						const tops: number[] = [];
						const channel = new MessageChannel();
						channel.port1.onmessage = () => {
							tops.push(document.querySelector(sel)?.getBoundingClientRect().top ?? Number.NaN);
							if (tops.length < frames) requestAnimationFrame(() => channel.port2.postMessage(0));
							else resolve(tops);
						};
						requestAnimationFrame(() => channel.port2.postMessage(0));
					}),
				{ sel: anchorSelector, frames },
			);
		const topOf = async () => (await paintedTops(1))[0] ?? Number.NaN;
		let rest = await topOf();
		for (let i = 0; i < 50; i++) {
			await sleep(50);
			const now = await topOf();
			if (now === rest) break;
			rest = now;
		}
		const recording = paintedTops(40);
		const t0 = Date.now();
		release();
		await page
			.locator(`${selector.split("[")[0]}[data-seq="${anchor.oldest - 1}"]`)
			.waitFor({ state: "attached", timeout: 20_000 });
		latencies.push(Date.now() - t0);
		const frames = await recording;
		await page.unroute(/\/messages\?.*before=/, hold);
		jumps.push(Math.max(...frames.filter((t) => Number.isFinite(t)).map((t) => Math.abs(t - rest))));
		traces.push({ rest, anchor: anchor.seq, frames: frames.map((t) => round(t, 1)) });
		await sleep(400);
	}
	return { maxJumpPx: round(Math.max(...jumps), 1), pageLatencyMs: round(percentile(latencies, 50), 1), traces };
}

/**
 * A Markdown-heavy room (issue 19): three rows in four carry a link, a fenced code block and a
 * mention of the reader (so they are highlighted too), the fourth bold, italic and inline code.
 */
function markdownText(viewerId: string) {
	return (id: number, i: number) =>
		i % 4 === 3
			? `m${id}: **bold** and _italic_ with \`inline code\` and ~~struck~~ text`
			: `m${id}: see [the docs](https://example.com/docs/${id}) for <@${viewerId}>\n\`\`\`ts\nconst m${id} = await fetch("https://example.com/api/${id}");\n\`\`\``;
}

/** The signed-in reader of `page` joins `room` (so mentions of them resolve); their user id. */
async function joinAsReader(page: Page, base: string, room: string): Promise<string> {
	const me = (await (await page.request.get(`${base}/api/me`)).json()) as { user?: { id: string } };
	await page.request.post(`${base}/api/rooms/${room}/join`, { headers: { origin: base } });
	return me.user?.id ?? "nobody";
}

export async function clientBench(parlor: ParlorServer, quick: boolean) {
	const base = parlor.url;
	const large = quick ? 10_000 : 100_000;
	const largeRoom = `bench-client-${large / 1000}k`;
	await seedRooms(parlor, {
		"bench-client-1k": 1000,
		"bench-client-live": 200,
		"bench-client-md": 200,
		[largeRoom]: large,
	});
	const browser = await chromium.launch({
		executablePath: CHROMIUM_PATH,
		// The baseline page is handed to the browser by Playwright, so Chromium cannot tell that it
		// came from loopback, and its Local Network Access check refuses the page's WebSocket to
		// loopback (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS). Parlor's page is served by
		// the server itself and is not subject to it.
		args: CHROMIUM_ARGS.map((arg) => (arg.startsWith("--disable-features=") ? `${arg},LocalNetworkAccessChecks` : arg)),
	});
	const out: Record<Variant, Record<string, unknown>> = { parlor: {}, baseline: {} };
	try {
		for (const variant of ["parlor", "baseline"] as const) {
			process.stdout.write(`client ${variant}… `);
			const context = await newContext(browser, base, variant);
			const paint = await firstPaint(context, variant, base, "bench-client-1k", quick ? 3 : 7);
			out[variant].firstPaintMs = paint.warmMs;
			out[variant].firstPaintColdMs = paint.coldMs;
			const page = await context.newPage();
			await page.goto(url(variant, base, "bench-client-live"));
			await page.locator(rowSelector(variant)).first().waitFor();
			await sleep(500);
			out[variant].receiving = [
				await framesUnderLoad(page, base, "bench-client-live", 50, quick ? 3 : 6),
				await framesUnderLoad(page, base, "bench-client-live", 200, quick ? 3 : 6),
			];
			const reader = await joinAsReader(page, base, "bench-client-md");
			await page.goto(url(variant, base, "bench-client-md"));
			await page.locator(rowSelector(variant)).first().waitFor();
			await sleep(500);
			out[variant].receivingMarkdown = [
				await framesUnderLoad(page, base, "bench-client-md", 50, quick ? 3 : 6, markdownText(reader)),
				await framesUnderLoad(page, base, "bench-client-md", 200, quick ? 3 : 6, markdownText(reader)),
			];
			await page.goto(url(variant, base, "bench-client-1k"));
			await page.locator(rowSelector(variant)).first().waitFor();
			await sleep(500);
			out[variant].olderHistory = await olderHistory(page, variant, quick ? 2 : 4);
			await page.close();
			const footprints = [];
			for (const [room, n] of [
				["bench-client-1k", 1000],
				[largeRoom, large],
			] as const) {
				const p = await context.newPage();
				await p.goto(url(variant, base, room));
				await p.locator(rowSelector(variant)).first().waitFor();
				footprints.push(await loadedFootprint(p, variant, n));
				await p.close();
			}
			out[variant].footprint = footprints;
			await context.close();
			console.log("done");
		}
	} finally {
		await browser.close();
	}
	return out;
}
