import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { closeContexts, freshRoom, guestInRoom, messageRow, newContext, openRoom } from "./room-helpers";

test.afterEach(closeContexts);

const composerOf = (page: Page, room: string) => page.getByRole("textbox", { name: `Message #${room}` });
const lastRow = (page: Page) => page.getByRole("log").getByRole("article").last();

async function nameOf(page: Page): Promise<string> {
	const me: { user: { name: string } } = await (await page.request.get("/api/me")).json();
	return me.user.name;
}

async function join(page: Page, room: string) {
	const res = await page.request.post(`/api/rooms/${room}/join`, { headers: { origin: new URL(page.url()).origin } });
	expect(res.status()).toBe(200);
}

test.describe("rich text, mentions and notifications (issue 19)", () => {
	test("formatting round trip: bold, italic, strike, code, quote, list and links render as elements", async ({
		browser,
	}) => {
		const room = freshRoom("md");
		const ada = await guestInRoom(browser, room);
		const box = composerOf(ada, room);
		await box.fill("**bold** _it_ ~~gone~~ `x = 1` [docs](https://example.com/docs) https://example.org/a");
		await box.press("Enter");
		const row = lastRow(ada);
		await expect(row.locator("strong")).toHaveText("bold");
		await expect(row.locator("em")).toHaveText("it");
		await expect(row.locator("del")).toHaveText("gone");
		await expect(row.locator("code")).toHaveText("x = 1");
		const docs = row.getByRole("link", { name: "docs" });
		await expect(docs).toHaveAttribute("href", "https://example.com/docs");
		await expect(docs).toHaveAttribute("target", "_blank");
		await expect(docs).toHaveAttribute("rel", "noopener noreferrer nofollow");
		// The text says "docs": the host shows beside it. A bare URL is its own label.
		await expect(row.getByText("(example.com)")).toBeVisible();
		await expect(row.getByRole("link", { name: "https://example.org/a" })).toHaveAttribute(
			"href",
			"https://example.org/a",
		);

		await box.fill("> quoted\n\n- one\n- two\n\n# not a heading <b>nor html</b>");
		await box.press("Enter");
		const second = lastRow(ada);
		await expect(second.locator("blockquote")).toHaveText("quoted");
		await expect(second.locator("ul > li")).toHaveText(["one", "two"]);
		await expect(second.getByText("# not a heading <b>nor html</b>")).toBeVisible();
		await expect(second.locator("h1, b")).toHaveCount(0);
	});

	test("a code block typed with three backticks survives Enter, scrolls sideways and copies", async ({ browser }) => {
		const room = freshRoom("code");
		const context = await newContext(browser, { permissions: ["clipboard-read", "clipboard-write"] });
		const ada = await context.newPage();
		await ada.goto("/sign-in");
		await ada.getByRole("button", { name: "Continue as guest" }).click();
		await expect(ada).toHaveURL(/\/rooms\/general$/);
		await openRoom(ada, room);
		const box = composerOf(ada, room);
		await box.click();
		// Typed key by key, as a person would: Enter inside the open block adds a line.
		await box.pressSequentially("```js");
		await box.press("Enter");
		await box.pressSequentially(`const line = "${"x".repeat(300)}";`);
		await box.press("Enter");
		await box.pressSequentially("```");
		await expect(box).toHaveValue(`\`\`\`js\nconst line = "${"x".repeat(300)}";\n\`\`\``);
		await box.press("Enter");
		await expect(box).toHaveValue("");
		const pre = lastRow(ada).locator("pre");
		await expect(pre).toContainText("const line");
		// The row keeps the list's width; the block scrolls instead.
		const widths = await pre.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
		expect(widths.scroll).toBeGreaterThan(widths.client);
		const log = await ada.getByRole("log").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
		expect(log.scroll).toBeLessThanOrEqual(log.client);
		await lastRow(ada).locator("pre").hover();
		await lastRow(ada).getByRole("button", { name: "Copy code" }).click();
		await expect(lastRow(ada).getByRole("button", { name: "Copy code" })).toHaveText("Copied");
		expect(await ada.evaluate(() => navigator.clipboard.readText())).toBe(`const line = "${"x".repeat(300)}";`);
	});

	test("@ opens the member list, filtered and chosen by keyboard; the other user sees the mention highlighted and badged", async ({
		browser,
	}) => {
		const room = freshRoom("mention");
		const ada = await guestInRoom(browser, room);
		const bo = await guestInRoom(browser, room);
		await join(ada, room);
		await join(bo, room);
		const boName = await nameOf(bo);
		// Bo waits in another room: the mention reaches their sidebar.
		await openRoom(bo, freshRoom("elsewhere"));

		const box = composerOf(ada, room);
		await box.click();
		await box.pressSequentially(`hey @${boName}`);
		const list = ada.getByRole("listbox", { name: "People to mention" });
		await expect(list.getByRole("option", { name: new RegExp(boName) })).toBeVisible();
		await box.press("ArrowDown");
		await box.press("ArrowUp");
		await expect(list.getByRole("option", { selected: true })).toContainText(boName);
		await box.press("Enter");
		await expect(box).toHaveValue(`hey @${boName} `);
		await expect(list).toHaveCount(0);
		await box.pressSequentially("look");
		await box.press("Enter");
		await expect(lastRow(ada).getByText(`@${boName}`)).toBeVisible();

		// Bo's sidebar: a mention badge apart from the unread count.
		const link = bo.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: new RegExp(room) });
		await expect(link.getByTestId("mention-badge")).toHaveText(/@1/, { timeout: 15_000 });
		await expect(link.getByTestId("unread-badge")).toBeVisible();
		await expect(bo).toHaveTitle(/\(@1 · \d+\) Parlor/, { timeout: 10_000 });
		await link.click();
		const mentioned = bo.locator("article[data-mentions-me=true]");
		await expect(mentioned).toHaveCount(1);
		await expect(mentioned.locator("[data-mention]")).toHaveText(`@${boName}`);

		// Bo is not a moderator: their "@here" is plain text for everyone, not the pill a moderator's gets.
		await composerOf(bo, room).fill("@here anyone around?");
		await composerOf(bo, room).press("Enter");
		const fake = lastRow(ada);
		await expect(fake).toContainText("@here anyone around?");
		await expect(fake.locator("[data-mention=here]")).toHaveCount(0);
		await composerOf(ada, room).fill("@here standup in 5");
		await composerOf(ada, room).press("Enter");
		await expect(lastRow(bo).locator("[data-mention=here]")).toHaveText("@here");

		// Deleting a message that mentioned Bo takes it off Bo's sidebar again, pushed (issue 21).
		await openRoom(bo, freshRoom("away"));
		await box.click();
		await box.pressSequentially(`again @${boName}`);
		await expect(list.getByRole("option", { selected: true })).toContainText(boName);
		await box.press("Enter");
		await box.pressSequentially("soon");
		await box.press("Enter");
		await expect(link.getByTestId("mention-badge")).toHaveText(/@1/, { timeout: 15_000 });
		const again = lastRow(ada);
		await expect(again).toContainText(`again @${boName} soon`);
		await again.hover();
		await again
			.getByRole("toolbar", { name: "Message actions" })
			.getByRole("button", { name: "Delete", exact: true })
			.click();
		await ada.getByRole("dialog", { name: "Delete this message?" }).getByRole("button", { name: "Delete" }).click();
		await expect(link.getByTestId("mention-badge")).toHaveCount(0, { timeout: 5_000 });
		await expect(bo).not.toHaveTitle(/@1/);
	});

	test("a mention in a hidden tab shows a desktop notification that opens the message; mute silences it", async ({
		browser,
	}) => {
		const room = freshRoom("notify");
		const ada = await guestInRoom(browser, room);
		const context = await newContext(browser, { permissions: ["notifications"] });
		const bo = await context.newPage();
		// Record notifications as the page makes them (the OS is not there to show them).
		await context.addInitScript(() => {
			const shown: { title: string; body: string }[] = [];
			(window as unknown as { __shown: typeof shown }).__shown = shown;
			const Real = window.Notification;
			class Recorded extends Real {
				constructor(title: string, options?: NotificationOptions) {
					super(title, options);
					shown.push({ title, body: options?.body ?? "" });
					(window as unknown as { __last: Notification }).__last = this;
				}
			}
			Object.defineProperty(window, "Notification", { value: Recorded });
		});
		await bo.goto("/sign-in");
		await bo.getByRole("button", { name: "Continue as guest" }).click();
		await expect(bo).toHaveURL(/\/rooms\/general$/);
		await openRoom(bo, room);
		await join(ada, room);
		await join(bo, room);
		const boId = ((await (await bo.request.get("/api/me")).json()) as { user: { id: string } }).user.id;
		const hide = (hidden: boolean) =>
			bo.evaluate((h) => {
				Object.defineProperty(document, "visibilityState", {
					configurable: true,
					get: () => (h ? "hidden" : "visible"),
				});
				document.dispatchEvent(new Event("visibilitychange"));
			}, hidden);
		const shown = () =>
			bo.evaluate(() => (window as unknown as { __shown: { title: string; body: string }[] }).__shown);

		// A mention while Bo looks at the room: seen, not notified.
		await composerOf(ada, room).fill("first, no mention");
		await composerOf(ada, room).press("Enter");
		await expect(messageRow(bo, "first, no mention")).toBeVisible();
		await hide(true);
		await ada.evaluate(
			async ([r, id]) => {
				// Sent as the composer would after a pick: the stored token.
				const box = document.querySelector<HTMLTextAreaElement>("#composer");
				if (!box) throw new Error("no composer");
				box.focus();
				document.execCommand("insertText", false, `ping <@${id}> about the release`);
				box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
				return r;
			},
			[room, boId] as const,
		);
		await expect.poll(shown).toHaveLength(1);
		const [note] = await shown();
		expect(note?.title).toContain(`mentioned you in #${room}`);
		expect(note?.body).toContain("about the release");

		// Clicking it opens the room at that message.
		await hide(false);
		await bo.evaluate(() => (window as unknown as { __last: Notification }).__last.onclick?.(new Event("click")));
		await expect(bo).toHaveURL(new RegExp(`/rooms/${room}/m/\\d+$`));

		// Muted: no notification, no unread badge.
		await bo.getByRole("button", { name: "Mute" }).first().click();
		await expect(bo.getByRole("button", { name: "Muted" }).first()).toHaveAttribute("aria-pressed", "true");
		await hide(true);
		await ada.evaluate((id) => {
			const box = document.querySelector<HTMLTextAreaElement>("#composer");
			if (!box) throw new Error("no composer");
			box.focus();
			document.execCommand("insertText", false, `again <@${id}>`);
			box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
		}, boId);
		await expect(lastRow(ada).getByText("again")).toBeVisible();
		await bo.waitForTimeout(1_500);
		expect(await shown()).toHaveLength(1);
	});
});
