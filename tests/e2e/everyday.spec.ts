import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import { baseURL } from "../../playwright.config";
import { expect, test } from "./fixtures";
import { closeContexts, freshRoom, guestInRoom, messageRow, newContext, openRoom, SeedClient } from "./room-helpers";

test.afterEach(closeContexts);

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;
const SCHEMES = ["light", "dark"] as const;

function composer(page: Page, room: string) {
	return page.getByRole("textbox", { name: `Message #${room}` });
}

async function send(page: Page, room: string, text: string) {
	await composer(page, room).fill(text);
	await composer(page, room).press("Enter");
	await expect(messageRow(page, text)).toHaveAttribute("data-seq", /\d+/);
}

function sidebarLink(page: Page, name: string) {
	return page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: new RegExp(`^${name}`) });
}

async function height(locator: ReturnType<Page["getByRole"]>) {
	return (await locator.boundingBox())?.height ?? 0;
}

async function expectAxeClean(page: Page, label: string) {
	const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
	expect(results.violations.map((v) => `${label}: ${v.id} ${v.nodes[0]?.target}`)).toEqual([]);
}

/** A guest's page in a fresh context with these options; signs in like a person does. */
async function guestPage(browser: Browser, options: Parameters<Browser["newContext"]>[0] = {}) {
	const context = await newContext(browser, options);
	const page = await context.newPage();
	await page.goto("/sign-in");
	await page.getByRole("button", { name: "Continue as guest" }).click();
	await expect(page).toHaveURL(/\/rooms\/general$/);
	return page;
}

test.describe("on a phone (390×844)", () => {
	for (const colorScheme of SCHEMES) {
		test(`room info is a full-width sheet that Close, Escape and Back all close (${colorScheme})`, async ({
			browser,
		}) => {
			const room = freshRoom("sheet");
			const page = await guestInRoom(browser, room, { ...PHONE, colorScheme });
			const composerWidth = (await composer(page, room).boundingBox())?.width ?? 0;
			const open = page.getByRole("button", { name: "Room info" });
			const panel = page.getByRole("complementary", { name: "Room info" });

			await open.click();
			await expect(panel).toBeVisible();
			const box = await panel.boundingBox();
			expect(box?.width).toBe(390);
			expect(box?.x).toBe(0);
			// The room underneath keeps its layout: the composer is as wide as before.
			expect((await composer(page, room).boundingBox())?.width).toBe(composerWidth);
			await expect(page.getByRole("button", { name: "Close room info" })).toBeFocused();
			await expectAxeClean(page, `info panel, ${colorScheme}`);
			await page.screenshot({ path: `test-results/e2e/phone-info-${colorScheme}.png` });

			await page.getByRole("button", { name: "Close room info" }).click();
			await expect(panel).toHaveCount(0);
			await expect(open).toBeFocused();

			await open.click();
			await expect(panel).toBeVisible();
			await page.keyboard.press("Escape");
			await expect(panel).toHaveCount(0);

			await open.click();
			await expect(panel).toBeVisible();
			await page.goBack();
			await expect(panel).toHaveCount(0);
			await expect(page).toHaveURL(new RegExp(`/rooms/${room}$`));
		});

		test(`the room drawer is opaque over a dimmed page, takes focus, and closes on a tap outside, Escape and a choice (${colorScheme})`, async ({
			browser,
		}) => {
			const room = freshRoom("drawer");
			const page = await guestInRoom(browser, room, { ...PHONE, colorScheme });
			const toggle = page.getByRole("button", { name: "Rooms" });
			const nav = page.getByRole("navigation", { name: "Rooms" });
			await expect(nav).toBeHidden();

			await toggle.click();
			await expect(nav).toBeVisible();
			const navBackground = await nav.evaluate((el) => getComputedStyle(el).backgroundColor);
			// Opaque: no alpha channel below 1 (rgb(), or rgba/oklab with alpha 1).
			expect(navBackground).not.toMatch(/\/ 0?\.\d+\)|, 0?\.\d+\)$/);
			await expect(page.getByTestId("drawer-backdrop")).toBeVisible();
			await expect(sidebarLink(page, room)).toBeFocused();
			await expectAxeClean(page, `drawer, ${colorScheme}`);
			await page.screenshot({ path: `test-results/e2e/phone-drawer-${colorScheme}.png` });

			// A tap on the dimmed page, right of the drawer.
			await page.mouse.click(370, 600);
			await expect(nav).toBeHidden();
			await expect(toggle).toBeFocused();

			await toggle.click();
			await expect(nav).toBeVisible();
			await page.keyboard.press("Escape");
			await expect(nav).toBeHidden();

			await toggle.click();
			await sidebarLink(page, "general").click();
			await expect(page.getByRole("heading", { name: "general", exact: true })).toBeVisible();
			await expect(nav).toBeHidden();
		});
	}

	for (const colorScheme of SCHEMES) {
		test(`everything a finger taps is at least 44 px tall (${colorScheme})`, async ({ browser }) => {
			const room = freshRoom("taps");
			const page = await guestInRoom(browser, room, { ...PHONE, colorScheme });
			await composer(page, room).fill("x");
			for (const button of ["Rooms", "Send", "Room info", "Mute"]) {
				expect(await height(page.getByRole("button", { name: button })), button).toBeGreaterThanOrEqual(44);
			}
			await page.getByRole("button", { name: "Rooms" }).click();
			for (const link of await page.getByRole("navigation", { name: "Rooms" }).getByRole("link").all()) {
				expect((await link.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
			}
			await page.screenshot({ path: test.info().outputPath(`phone-taps-${colorScheme}.png`) });
		});
	}
});

test.describe("sidebar and header", () => {
	test("a new guest lands in #general as a member", async ({ browser }) => {
		const page = await guestPage(browser);
		await expect(sidebarLink(page, "general")).toHaveAttribute("aria-current", "page");
		await expect(page.getByText("Open a room below, or make one.")).toHaveCount(0);
		// A member by the time the first page shows, not by opening the room: the room list says so.
		const list: { rooms: { id: string; member: boolean }[] } = await (await page.request.get("/api/rooms")).json();
		expect(list.rooms.find((r) => r.id === "general")?.member).toBe(true);
	});

	test("the current room stands out, unread rooms are bold, case is ignored in the order, and the lock is drawn", async ({
		browser,
	}) => {
		const tag = Date.now().toString(36);
		const page = await guestPage(browser);
		const origin = { origin: baseURL };
		for (const name of [`Zeta ${tag}`, `alpha ${tag}`]) {
			await page.request.post("/api/rooms", { data: { name, visibility: "public" }, headers: origin });
		}
		await page.request.post("/api/rooms", { data: { name: `Quiet ${tag}`, visibility: "private" }, headers: origin });
		const busy = freshRoom("busy");
		await openRoom(page, busy);
		await sidebarLink(page, "general").click();
		const seed = await SeedClient.connect(busy);
		await seed.send(["hello there"]);
		seed.close();
		await page.reload();
		await expect(sidebarLink(page, `Zeta ${tag}`)).toBeVisible();

		const names = await page
			.getByRole("navigation", { name: "Rooms" })
			.getByRole("list")
			.first()
			.locator("a bdi")
			.allInnerTexts();
		const mine = names.filter((n) => n.includes(tag) || n === "general");
		expect(mine).toEqual([`alpha ${tag}`, "general", `Quiet ${tag}`, `Zeta ${tag}`]);

		const current = sidebarLink(page, "general");
		const other = sidebarLink(page, `alpha ${tag}`);
		const bg = (l: typeof current) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
		expect(await bg(current)).not.toBe(await bg(other));
		const weight = (l: typeof current) => l.evaluate((el) => Number(getComputedStyle(el).fontWeight));
		await expect(sidebarLink(page, busy).getByTestId("unread-badge")).toHaveText("1 unread");
		expect(await weight(sidebarLink(page, busy))).toBeGreaterThanOrEqual(600);
		expect(await weight(other)).toBeLessThan(600);
		await expect(sidebarLink(page, `Quiet ${tag}`).locator("svg")).toHaveCount(1);
		await expect(sidebarLink(page, `Quiet ${tag}`)).not.toContainText("🔒");
	});

	test("room info explains what its storage is and passes the contrast check", async ({ browser }) => {
		const room = freshRoom("info");
		const page = await guestInRoom(browser, room);
		await send(page, room, "something to store");
		await page.getByRole("button", { name: "Room info" }).click();
		const panel = page.getByRole("complementary", { name: "Room info" });
		await expect(panel.getByText("Storage used")).toHaveCount(0);
		await panel.getByText("Storage details").click();
		await expect(panel.getByText(/saved messages take/)).toBeVisible();
		await expect(panel.getByText("here now")).toBeVisible();
		await expectAxeClean(page, "info panel");
	});
});

test.describe("messages", () => {
	test("a grouped follow-up shows its time on hover or focus, like the first of its group", async ({ browser }) => {
		const room = freshRoom("group");
		const page = await guestInRoom(browser, room);
		await send(page, room, "first of the group");
		await send(page, room, "a follow-up");
		const followUp = messageRow(page, "a follow-up");
		const time = followUp.locator("time");
		await expect(time).toBeHidden();
		await followUp.hover();
		await expect(time).toBeVisible();
		await expect(time).toHaveText(/now|\d/);
		// Away with the pointer, then there by keyboard (arrow keys move between rows).
		await page.mouse.move(0, 0);
		await expect(time).toBeHidden();
		await followUp.focus();
		await expect(time).toBeVisible();
	});

	test("Jump to present appears when scrolled up with nothing new, and End reaches the very bottom", async ({
		browser,
	}) => {
		const room = freshRoom("jump");
		const seed = await SeedClient.connect(room);
		await seed.send(Array.from({ length: 80 }, (_, i) => `line ${i + 1}`));
		seed.close();
		const page = await guestInRoom(browser, room);
		const scroller = page.getByTestId("message-scroller");
		await expect(messageRow(page, "line 80")).toBeVisible();
		const bottomGap = () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

		await scroller.evaluate((el) => el.scrollBy(0, -1500));
		const jump = page.getByRole("button", { name: "Jump to present ↓" });
		await expect(jump).toBeVisible();
		await jump.click();
		await expect.poll(bottomGap).toBeLessThanOrEqual(1);
		await expect(jump).toBeHidden();

		await scroller.evaluate((el) => el.scrollBy(0, -2500));
		await scroller.focus();
		await page.keyboard.press("End");
		await expect.poll(bottomGap).toBeLessThanOrEqual(1);
		await expect(messageRow(page, "line 80")).toBeInViewport();
	});

	test("a room with a few messages shows them just above the composer", async ({ browser }) => {
		const room = freshRoom("few");
		const page = await guestInRoom(browser, room);
		await send(page, room, "only one");
		const row = await messageRow(page, "only one").boundingBox();
		const input = await composer(page, room).boundingBox();
		expect(row && input).toBeTruthy();
		// Between the last row and the composer: the typing line and a little padding, no empty page.
		expect((input?.y ?? 0) - ((row?.y ?? 0) + (row?.height ?? 0))).toBeLessThan(80);
	});
});

test("new messages in the open room count in the tab title while hidden, and clear when back at the bottom", async ({
	browser,
}) => {
	const room = freshRoom("title");
	const page = await guestInRoom(browser, room);
	await expect(page).toHaveTitle("Parlor");
	const setVisibility = (state: "hidden" | "visible") =>
		page.evaluate((s) => {
			Object.defineProperty(document, "visibilityState", { configurable: true, get: () => s });
			document.dispatchEvent(new Event("visibilitychange"));
		}, state);
	await setVisibility("hidden");
	const seed = await SeedClient.connect(room);
	await seed.send(["while you were away", "and another"]);
	seed.close();
	await expect(page).toHaveTitle("(2) Parlor");
	await setVisibility("visible");
	await expect(page).toHaveTitle("Parlor");
});

test.describe("guests and profiles", () => {
	test("signing out as a guest warns first, and a guest can keep the account by email with its rooms and messages", async ({
		browser,
	}) => {
		const room = freshRoom("keep");
		const page = await guestInRoom(browser, room);
		await send(page, room, "said as a guest");
		const before = await (await page.request.get("/api/me")).json();

		await page.getByRole("button", { name: "Sign out" }).click();
		const warning = page.getByRole("dialog", { name: "Sign out of a guest account?" });
		await expect(warning).toContainText("Guests cannot sign back in");
		await expectAxeClean(page, "guest sign-out warning");
		await warning.getByRole("button", { name: "Keep account" }).click();
		const keep = page.getByRole("dialog", { name: "Keep this account" });
		await expect(keep).toBeVisible();
		await expectAxeClean(page, "keep-account dialog");
		const email = `kept-${Date.now().toString(36)}@example.com`;
		await keep.getByLabel("Email").fill(email);
		await keep.getByLabel("Password").fill("a long enough password");
		await keep.getByRole("button", { name: "Keep with email" }).click();
		await expect(keep.getByRole("status")).toContainText("Check your inbox");

		let link: string | undefined;
		await expect
			.poll(async () => {
				const res = await page.request.get(`/api/dev/mailbox?to=${encodeURIComponent(email)}`);
				link = ((await res.json()) as { mails: Array<{ text: string }> }).mails
					.at(-1)
					?.text.match(/https?:\/\/\S+/)?.[0];
				return link;
			})
			.toBeTruthy();
		await page.goto(link ?? "/");
		const after = await (await page.request.get("/api/me")).json();
		expect(after.user).toMatchObject({ id: before.user.id, isGuest: false, email });
		await expect(page.getByText("Guest", { exact: true })).toHaveCount(0);
		await openRoom(page, room);
		await expect(messageRow(page, "said as a guest")).toBeVisible();
		await expect(sidebarLink(page, room)).toBeVisible();
	});

	test("a guest keeps the account with a provider: same account, the provider's name", async ({ browser }) => {
		// Google's second emulated person: others may already have accounts of their own here.
		const room = freshRoom("keepgoogle");
		const page = await guestInRoom(browser, room);
		const before = await (await page.request.get("/api/me")).json();
		await page.getByRole("button", { name: "Keep account" }).click();
		const keep = page.getByRole("dialog", { name: "Keep this account" });
		await keep.getByRole("button", { name: "Continue with Google" }).click();
		await page.getByRole("radio", { name: /^Alan Turing/ }).check();
		await page.getByRole("button", { name: "Authorize Parlor" }).click();
		await expect(page).toHaveURL(/\/rooms\//);
		const after = await (await page.request.get("/api/me")).json();
		expect(after.user).toMatchObject({ id: before.user.id, isGuest: false, name: "Alan Turing" });
		expect(after.signInMethods).toContain("google");
		await openRoom(page, room);
		await expect(sidebarLink(page, room)).toBeVisible();
	});

	test("your own name opens your profile; another author's name shows who they are", async ({ browser }) => {
		const room = freshRoom("profile");
		const page = await guestInRoom(browser, room);
		const other = await guestInRoom(browser, room);
		await send(other, room, "hello from the other one");

		await page.getByRole("button", { name: /^Your profile/ }).click();
		const profile = page.getByRole("dialog", { name: "Your profile" });
		await expect(profile).toBeVisible();
		await expectAxeClean(page, "profile dialog");
		await profile.getByLabel("Display name").fill("Ada\u202E");
		await profile.getByRole("button", { name: "Save" }).click();
		await expect(profile.getByRole("alert")).toContainText("direction");
		await profile.getByLabel("Display name").fill("Ada Lovelace");
		await profile.getByRole("button", { name: "Save" }).click();
		await expect(profile).toBeHidden();
		await expect(page.getByTestId("current-user")).toHaveText("Ada Lovelace");

		const row = messageRow(page, "hello from the other one");
		await row.getByRole("button").first().click();
		const card = page.getByRole("dialog", { name: "Profile" });
		await expect(card).toContainText("guest");
		await expectAxeClean(page, "user card");
		await expect(card).toContainText(/Guest since \w+/);
	});
});

test("the sign-in page logs no errors for a signed-out visitor", async ({ browser }) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors: string[] = [];
	page.on("console", (message) => {
		if (message.type() === "error") errors.push(message.text());
	});
	await page.goto("/");
	await expect(page).toHaveURL(/\/sign-in/);
	await expect(page.getByRole("button", { name: "Continue as guest" })).toBeVisible();
	await page.waitForLoadState("networkidle");
	expect(errors).toEqual([]);
	await expectAxeClean(page, "sign-in");
});
