import AxeBuilder from "@axe-core/playwright";
import type { Page, WebSocketRoute } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
	closeContexts,
	distanceFromBottom,
	freshRoom,
	guestInRoom,
	messageRow,
	newContext,
	openRoom,
	SeedClient,
	settledAtBottom,
} from "./room-helpers";

const numbered = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `seed message ${from + i}`);

async function seeded(room: string, count: number): Promise<SeedClient> {
	const seeder = await SeedClient.connect(room);
	for (let sent = 0; sent < count; sent += 100) await seeder.send(numbered(Math.min(100, count - sent), sent + 1));
	return seeder;
}

async function send(page: Page, room: string, text: string) {
	const composer = page.getByRole("textbox", { name: `Message #${room}` });
	await composer.fill(text);
	await composer.press("Enter");
}

async function signInAsGuest(page: Page, room: string) {
	await page.goto("/sign-in");
	await page.getByRole("button", { name: "Continue as guest" }).click();
	await expect(page).toHaveURL(/\/rooms\/general$/);
	await openRoom(page, room);
}

test.afterEach(closeContexts);

test.describe("the room", () => {
	test("B's message appears for A, and A, reading at the bottom, stays at the bottom", async ({ browser }) => {
		const room = freshRoom();
		(await seeded(room, 60)).close();
		const a = await guestInRoom(browser, room);
		const b = await guestInRoom(browser, room);
		await expect(messageRow(a, "seed message 60")).toBeVisible();
		await settledAtBottom(a);

		await send(b, room, "hello from B");
		await expect(messageRow(a, "hello from B")).toBeVisible();
		await expect.poll(() => distanceFromBottom(a)).toBeLessThanOrEqual(2);
		await expect(messageRow(a, "hello from B")).toHaveCount(1);
	});

	test("A, reading at the bottom of a busy room whose rows grow with replies and reactions, still sees the newest message", async ({
		browser,
	}) => {
		const room = freshRoom();
		const seeder = await seeded(room, 60);
		const a = await guestInRoom(browser, room);
		await expect(messageRow(a, "seed message 60")).toBeVisible();
		await settledAtBottom(a);

		// 200 messages/s for 6 s: the list used to stop following here, far above the end, with
		// the reader never having scrolled.
		const last = await seeder.burst(1200, 200);
		await expect(messageRow(a, last)).toBeInViewport();
		await expect.poll(() => distanceFromBottom(a)).toBeLessThanOrEqual(2);
		seeder.close();
	});

	test("A, at the bottom of a busy room, leaves it with one wheel step and is not pulled back", async ({ browser }) => {
		const room = freshRoom();
		const seeder = await seeded(room, 60);
		const a = await guestInRoom(browser, room);
		await expect(messageRow(a, "seed message 60")).toBeVisible();
		await settledAtBottom(a);
		await a.getByTestId("message-scroller").hover();

		// 200 messages/s for 4 s; a second in, one wheel step up. The browser plays the step over
		// several frames, and each frame's follow scroll used to cancel it while it was still within
		// the 48 px that count as "at the end" (so at 100 msg/s and more the reader could not leave).
		const burst = seeder.burst(800, 200);
		await a.waitForTimeout(1_000);
		await a.mouse.wheel(0, -100);
		const last = await burst;
		await expect(a.getByRole("button", { name: /new messages ↓/ })).toBeVisible();
		await expect(messageRow(a, last)).not.toBeInViewport();
		expect(await distanceFromBottom(a)).toBeGreaterThan(200);
		seeder.close();
	});

	test("A, scrolled up, is not moved by new messages and gets a button to jump to them", async ({ browser }) => {
		const room = freshRoom();
		const seeder = await seeded(room, 80);
		const a = await guestInRoom(browser, room);
		await expect(messageRow(a, "seed message 80")).toBeVisible();
		await settledAtBottom(a);
		await a.getByTestId("message-scroller").hover();
		await a.mouse.wheel(0, -400);
		await expect.poll(() => distanceFromBottom(a)).toBeGreaterThan(300);
		const anchor = messageRow(a, "seed message 70");
		const before = await anchor.boundingBox();

		await seeder.send(["new one", "new two", "new three"]);
		const jump = a.getByRole("button", { name: "3 new messages ↓" });
		await expect(jump).toBeVisible();
		const after = await anchor.boundingBox();
		expect(Math.abs((after?.y ?? 0) - (before?.y ?? 0))).toBeLessThanOrEqual(1);

		await jump.click();
		await expect(messageRow(a, "new three")).toBeInViewport();
		await expect.poll(() => distanceFromBottom(a)).toBeLessThanOrEqual(2);
		await expect(jump).toBeHidden();
		seeder.close();
	});

	test("loading older history moves the message under the reader's eye by at most 1 px in any painted frame, with grouped rows of mixed heights", async ({
		browser,
	}) => {
		const room = freshRoom();
		// Two people writing in runs (so rows group under one header), each message a different
		// height: one line, a long paragraph, a code block, a list.
		const shapes = [
			(n: number) => `row ${n}`,
			(n: number) => `row ${n}: ${"a long paragraph that wraps over several lines ".repeat(6)}`,
			(n: number) => `row ${n}:\n\`\`\`\nline one\nline two\nline three\nline four\n\`\`\``,
			(n: number) => `row ${n}:\n- first\n- second\n- third`,
		];
		const writers = [await SeedClient.connect(room), await SeedClient.connect(room)];
		for (let n = 1; n <= 200; ) {
			const run = Array.from({ length: Math.min(1 + (n % 4), 201 - n) }, (_, i) => shapes[(n + i) % 4]?.(n + i) ?? "");
			await writers[Math.floor(n / 3) % 2]?.send(run);
			n += run.length;
		}
		for (const writer of writers) writer.close();
		const a = await guestInRoom(browser, room);
		await settledAtBottom(a);
		// Hold the request for the page before the first one (151..200) until the anchor is measured.
		let release: () => void = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		let requested = false;
		await a.route(/\/messages\?.*before=151/, async (route) => {
			requested = true;
			await held;
			await route.continue();
		});
		// The reader scrolls up with the mouse wheel until the list's top.
		const scroller = a.getByTestId("message-scroller");
		await scroller.hover();
		for (let i = 0; i < 60 && (await scroller.evaluate((el) => el.scrollTop)) > 0; i++) {
			await a.mouse.wheel(0, -200);
			await a.waitForTimeout(30);
		}
		await expect.poll(() => requested).toBe(true);
		// The anchor: the second row fully in view (the first may regroup when older rows arrive).
		const seq = await a.evaluate(() => {
			const view = document.querySelector('[data-testid="message-scroller"]')?.getBoundingClientRect();
			const inView = [...document.querySelectorAll<HTMLElement>("article[data-seq]")]
				.filter((el) => {
					const rect = el.getBoundingClientRect();
					return view !== undefined && rect.top >= view.top && rect.bottom <= view.bottom;
				})
				.sort((x, y) => x.getBoundingClientRect().top - y.getBoundingClientRect().top);
			return inView[1]?.dataset.seq ?? "";
		});
		expect(Number(seq)).toBeGreaterThan(150);
		// A frame's painted layout is read after that frame has rendered (a task posted from its
		// animation frame): reading inside the callback would see the layout before the frame's
		// ResizeObserver corrections, which are applied before paint and never seen.
		const painted = (frames: number) =>
			a.evaluate(
				({ seq, frames }) =>
					new Promise<Array<{ top: number; older: boolean }>>((resolve) => {
						const out: Array<{ top: number; older: boolean }> = [];
						const channel = new MessageChannel();
						channel.port1.onmessage = () => {
							const top = document.querySelector(`article[data-seq="${seq}"]`)?.getBoundingClientRect().top;
							out.push({ top: top ?? Number.NaN, older: document.querySelector('article[data-seq="150"]') !== null });
							if (out.length < frames) requestAnimationFrame(() => channel.port2.postMessage(0));
							else resolve(out);
						};
						requestAnimationFrame(() => channel.port2.postMessage(0));
					}),
				{ seq, frames },
			);
		// Wait for the wheel's scrolling to come to rest before taking the reference position.
		await expect.poll(async () => new Set((await painted(10)).map((f) => f.top)).size).toBe(1);
		const before = (await painted(1))[0]?.top ?? Number.NaN;

		const recording = painted(60);
		release();
		const frames = await recording;
		const after = (await painted(1))[0]?.top ?? Number.NaN;
		// The page landed while frames were being recorded, and frames were recorded after it too.
		const landedAt = frames.findIndex((f) => f.older);
		expect(landedAt).toBeGreaterThan(0);
		expect(frames.length - landedAt).toBeGreaterThanOrEqual(10);
		expect(Number.isFinite(before)).toBe(true);
		expect(frames.every((f) => Number.isFinite(f.top))).toBe(true);
		expect(Math.max(...frames.map((f) => Math.abs(f.top - before)))).toBeLessThanOrEqual(1);
		expect(Math.abs(after - before)).toBeLessThanOrEqual(1);
	});

	test("a message sent while the socket is down shows as sending, then is sent once after reconnecting", async ({
		browser,
	}) => {
		const room = freshRoom();
		const a = await (await newContext(browser)).newPage();
		let blocked = false;
		let current: WebSocketRoute | null = null;
		await a.routeWebSocket(/\/api\/rooms\/.+\/socket$/, (ws) => {
			if (blocked) return ws.close({ code: 4000, reason: "test: network down" });
			current = ws;
			ws.connectToServer();
		});
		await signInAsGuest(a, room);
		const b = await guestInRoom(browser, room);

		blocked = true;
		await (current as WebSocketRoute | null)?.close({ code: 4000, reason: "test: network down" });
		await expect(a.getByRole("status")).toContainText("Reconnecting");
		await send(a, room, "sent while offline");
		const row = messageRow(a, "sent while offline");
		await expect(row).toHaveAttribute("data-status", "pending");
		await expect(row).toContainText("Sending…");

		blocked = false;
		await a.getByRole("button", { name: "Reconnect now" }).click();
		await expect(row).not.toHaveAttribute("data-status", "pending");
		await expect(row).toHaveAttribute("data-seq", /\d+/);
		await expect(messageRow(b, "sent while offline")).toHaveCount(1);
		await expect(row).toHaveCount(1);
		const history = await (await a.request.get(`/api/rooms/${room}/messages`)).json();
		expect(history.messages.filter((m: { text: string }) => m.text === "sent while offline")).toHaveLength(1);
	});

	test("reloading while a message is on its way stores it exactly once", async ({ browser }) => {
		const room = freshRoom();
		const a = await (await newContext(browser)).newPage();
		let swallowAnswers = false;
		await a.routeWebSocket(/\/api\/rooms\/.+\/socket$/, (ws) => {
			const server = ws.connectToServer();
			ws.onMessage((frame) => server.send(frame));
			// The frame reaches the room, but the ack (and the echo) never come back: the page cannot know.
			server.onMessage((frame) => {
				if (swallowAnswers && /"type":"(ack|events)"/.test(String(frame))) return;
				ws.send(frame);
			});
		});
		await signInAsGuest(a, room);

		swallowAnswers = true;
		await send(a, room, "sent just before a reload");
		await expect(messageRow(a, "sent just before a reload")).toHaveAttribute("data-status", "pending");
		await expect
			.poll(async () => (await (await a.request.get(`/api/rooms/${room}/messages`)).json()).messages.length)
			.toBe(1);

		swallowAnswers = false;
		await a.reload();
		const row = messageRow(a, "sent just before a reload");
		await expect(row).toHaveAttribute("data-seq", "1");
		await expect(row).toHaveCount(1);
		const history = await (await a.request.get(`/api/rooms/${room}/messages`)).json();
		expect(history.messages.map((m: { text: string }) => m.text)).toEqual(["sent just before a reload"]);
	});

	test("1,000 messages render with a bounded number of row elements", async ({ browser }) => {
		const room = freshRoom();
		(await seeded(room, 1000)).close();
		const a = await guestInRoom(browser, room);
		await settledAtBottom(a);
		const scroller = a.getByTestId("message-scroller");
		const rendered: number[] = [];
		await scroller.hover();
		// Scroll up until the first message is loaded: 20 pages of 50.
		for (let i = 0; i < 200; i++) {
			if ((await a.locator('article[data-seq="1"]').count()) > 0) break;
			await a.mouse.wheel(0, -2000);
			await a.waitForTimeout(50);
			rendered.push(await a.locator("[data-index]").count());
		}
		await expect(a.locator('article[data-seq="1"]')).toBeAttached();
		// 1,000 messages and one day divider in the list, a few dozen of them in the DOM.
		await expect(scroller).toHaveAttribute("data-rows", "1001");
		expect(Math.max(...rendered)).toBeLessThan(80);
		expect(await a.locator("[data-index]").count()).toBeLessThan(80);
	});

	for (const scheme of ["light", "dark"] as const) {
		test(`has no WCAG 2 AA violations (axe) in ${scheme} mode`, async ({ browser }) => {
			const room = freshRoom();
			const seeder = await seeded(room, 5);
			const a = await guestInRoom(browser, room);
			await a.emulateMedia({ colorScheme: scheme });
			await seeder.send(["A reply from someone else", "And another, a bit longer, to show how text wraps in a row."]);
			await send(a, room, "My own message");
			await expect(messageRow(a, "My own message")).toHaveAttribute("data-seq", /\d+/);
			const results = await new AxeBuilder({ page: a })
				.withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
				.analyze();
			expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual(
				[],
			);
			seeder.close();
		});
	}

	test("on a phone (390×844) the composer is on screen and sends", async ({ browser }) => {
		const room = freshRoom();
		(await seeded(room, 30)).close();
		const context = await newContext(browser, {
			viewport: { width: 390, height: 844 },
			isMobile: true,
			hasTouch: true,
		});
		const a = await context.newPage();
		await signInAsGuest(a, room);
		const composer = a.getByRole("textbox", { name: `Message #${room}` });
		await expect(composer).toBeInViewport();
		await expect(a.getByRole("button", { name: "Send" })).toBeInViewport();
		await send(a, room, "from my phone");
		await expect(messageRow(a, "from my phone")).toBeInViewport();
		const overflow = await a.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth,
		);
		expect(overflow).toBe(0);
	});

	test("Enter sends, Shift+Enter adds a line, and focus stays in the composer", async ({ browser }) => {
		const room = freshRoom();
		const a = await guestInRoom(browser, room);
		await expect(a.getByText("No messages yet")).toBeVisible();
		const composer = a.getByRole("textbox", { name: `Message #${room}` });
		await composer.click();
		await composer.pressSequentially("first line");
		await composer.press("Shift+Enter");
		await composer.pressSequentially("second line");
		await composer.press("Enter");
		const row = a.getByRole("log").getByRole("article").filter({ hasText: "first line" });
		await expect(row).toHaveAttribute("data-seq", "1");
		// Formatted text: the new line is a line break in the paragraph, as typed.
		const text = row.locator("p[dir=auto]");
		await expect(text.locator("br")).toHaveCount(1);
		// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: <br> reads as a new line only there
		expect(await text.innerText()).toBe("first line\nsecond line");
		expect(await a.evaluate(() => document.activeElement?.id)).toBe("composer");
		await expect(composer).toHaveValue("");
	});
});

test("README screenshots: a lively room, on desktop and on a phone in dark mode", async ({ browser }) => {
	const room = "design-review";
	const ada = await SeedClient.connect(room);
	const grace = await SeedClient.connect(room);
	await ada.send([
		"Morning! The new room list is up on staging.",
		"Scrolling back through 10k messages stays smooth now.",
	]);
	await grace.send([
		"Nice. Loading **older history** no longer jumps? [The test](https://example.com/e2e) says _zero_.",
		"Checked on my phone too 📱",
	]);
	await ada.send(["Zero pixels. Try it:\n```\nnpm run test:e2e -- tests/e2e/room.spec.ts\n```"]);
	const a = await guestInRoom(browser, room);
	await send(a, room, "Looks great. Shipping it today 🚀");
	await expect(messageRow(a, "Looks great. Shipping it today 🚀")).toHaveAttribute("data-seq", /\d+/);
	await expect(a.getByRole("log").getByText("Today", { exact: true })).toBeVisible();
	await expect(a.getByRole("log").locator("time[datetime]").first()).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);
	// A sidebar with more than one room, unread messages elsewhere, and someone typing.
	const created = await a.request.post("/api/rooms", {
		data: { name: "Launch plans", visibility: "private" },
		headers: { origin: new URL(a.url()).origin },
	});
	expect(created.status()).toBe(201);
	// Landing in #general joins it only if its socket opened before the test moved on.
	const joined = await a.request.post("/api/rooms/general/join", { headers: { origin: new URL(a.url()).origin } });
	expect(joined.status()).toBe(200);
	const general = await SeedClient.connect("general");
	await general.send(["Release notes for 0.4 are up.", "Standup moves to 10:30 tomorrow."]);
	const rooms = a.getByRole("navigation", { name: "Rooms" });
	await expect(rooms.getByRole("link", { name: /^Launch plans/ })).toBeVisible({ timeout: 12_000 });
	await expect(rooms.getByRole("link", { name: /^general/ }).getByTestId("unread-badge")).toHaveText("2 unread", {
		timeout: 12_000,
	});
	grace.typing();
	await expect(a.getByTestId("typing")).toContainText("is typing…");
	await a.screenshot({ path: "readme_assets/screenshot-room.png" });
	general.close();

	const phone = await guestInRoom(browser, room, {
		viewport: { width: 390, height: 844 },
		isMobile: true,
		colorScheme: "dark",
	});
	await expect(messageRow(phone, "Looks great. Shipping it today 🚀")).toBeVisible();
	await phone.screenshot({ path: "readme_assets/screenshot-room-mobile-dark.png" });
	ada.close();
	grace.close();
});
