import type { Page, WebSocketRoute } from "@playwright/test";
import { baseURL } from "../../playwright.config";
import { expect, test } from "./fixtures";
import { closeContexts, freshRoom, guestInRoom, messageRow, newContext, openRoom, SeedClient } from "./room-helpers";

test.afterEach(closeContexts);

const SOCKET = /\/api\/rooms\/.+\/socket$/;

function composer(page: Page, room: string) {
	return page.getByRole("textbox", { name: `Message #${room}` });
}

async function send(page: Page, room: string, text: string) {
	await composer(page, room).fill(text);
	await composer(page, room).press("Enter");
}

function sidebarLink(page: Page, name: string) {
	return page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: new RegExp(`^${name}`) });
}

async function storedTexts(page: Page, room: string): Promise<string[]> {
	const history = await (await page.request.get(`/api/rooms/${room}/messages`)).json();
	return history.messages.map((m: { text: string }) => m.text);
}

test.describe("client correctness (issue 15)", () => {
	test("two tabs of one room both keep their unsent messages, and both are sent once", async ({ browser }) => {
		const room = freshRoom("tabs");
		const context = await newContext(browser);
		let offline = false;
		await context.routeWebSocket(SOCKET, (ws) => {
			if (offline) return ws.close({ code: 4000, reason: "test: network down" });
			ws.connectToServer();
		});
		const a = await context.newPage();
		await a.goto("/sign-in");
		await a.getByRole("button", { name: "Continue as guest" }).click();
		await expect(a).toHaveURL(/\/rooms\/general$/);
		offline = true;
		await openRoom(a, room);
		const b = await context.newPage();
		await b.goto(`/rooms/${room}`);
		await expect(composer(b, room)).toBeVisible();

		await send(a, room, "typed in tab A");
		await send(b, room, "typed in tab B");
		await send(a, room, "typed in tab A again");
		await expect(messageRow(a, "typed in tab A again")).toHaveAttribute("data-status", "pending");
		await expect(messageRow(b, "typed in tab B")).toHaveAttribute("data-status", "pending");
		// Tab B goes away before it could send; what it typed must not be lost.
		await b.close();

		offline = false;
		await a.reload();
		await expect.poll(() => storedTexts(a, room)).toEqual(["typed in tab A", "typed in tab B", "typed in tab A again"]);
		for (const text of ["typed in tab A", "typed in tab B", "typed in tab A again"]) {
			await expect(messageRow(a, text)).toHaveCount(1);
			await expect(messageRow(a, text)).toHaveAttribute("data-seq", /\d+/);
		}
	});

	test("a socket closed with 1008 reconnects while the session lives, and signs out once it has ended", async ({
		browser,
	}) => {
		const room = freshRoom("expiry");
		const context = await newContext(browser);
		const sockets: WebSocketRoute[] = [];
		await context.routeWebSocket(SOCKET, (ws) => {
			sockets.push(ws);
			ws.connectToServer();
		});
		const page = await context.newPage();
		await page.goto("/sign-in");
		await page.getByRole("button", { name: "Continue as guest" }).click();
		await expect(page).toHaveURL(/\/rooms\/general$/);
		await openRoom(page, room);
		await send(page, room, "before the close");
		await expect(messageRow(page, "before the close")).toHaveAttribute("data-seq", "1");

		// The room's alarm saw the expiry the socket opened with; the session was extended since.
		const before = sockets.length;
		await sockets.at(-1)?.close({ code: 1008, reason: "Session expired; sign in again." });
		await expect.poll(() => sockets.length).toBeGreaterThan(before);
		await send(page, room, "after the reconnect");
		await expect(messageRow(page, "after the reconnect")).toHaveAttribute("data-seq", "2");
		await expect(page).toHaveURL(new RegExp(`/rooms/${room}$`));

		// Now the session really ends (signed out elsewhere): the room closes the socket and the page signs out.
		const cookies = await context.cookies();
		await fetch(`${baseURL}/api/auth/sign-out`, {
			method: "POST",
			headers: {
				origin: baseURL,
				"content-type": "application/json",
				cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "),
			},
			body: "{}",
		});
		await expect(page).toHaveURL(/\/sign-in/);
	});

	test("coming back to a room that was empty shows what was posted meanwhile, by sidebar and by Back", async ({
		browser,
	}) => {
		const room = freshRoom("empty");
		const page = await guestInRoom(browser, room);
		await expect(page.getByText("No messages yet")).toBeVisible();
		await sidebarLink(page, "general").click();
		await expect(page.getByRole("heading", { name: "general", exact: true })).toBeVisible();

		const seed = await SeedClient.connect(room);
		await seed.send(["one", "two", "three"]);
		await sidebarLink(page, room).click();
		await expect(page.getByRole("heading", { name: room, exact: true })).toBeVisible();
		for (const text of ["one", "two", "three"]) await expect(messageRow(page, text)).toBeVisible();
		await expect(page.getByText("No messages yet")).toHaveCount(0);

		await sidebarLink(page, "general").click();
		await expect(page.getByRole("heading", { name: "general", exact: true })).toBeVisible();
		await seed.send(["four"]);
		await page.goBack();
		await expect(page.getByRole("heading", { name: room, exact: true })).toBeVisible();
		for (const text of ["one", "two", "three", "four"]) await expect(messageRow(page, text)).toHaveCount(1);
		// And a live message afterwards lands after them, not alone.
		await seed.send(["five"]);
		await expect(messageRow(page, "five")).toBeVisible();
		await expect(page.getByRole("log").getByRole("article")).toHaveCount(5);
		seed.close();
	});

	test("a message too large once encoded fails with a reason instead of looping on reconnects", async ({ browser }) => {
		const room = freshRoom("big");
		const page = await guestInRoom(browser, room);
		// 4,000 characters, each 6 bytes once JSON-escaped: within the text limit, over the frame limit.
		await composer(page, room).fill("\u0001".repeat(4000));
		await composer(page, room).press("Enter");
		const failed = page.getByRole("log").locator("[data-status=failed]");
		await expect(failed).toContainText(/Too large to send \(\d+ KB encoded; the limit is 16 KB\)/);
		await expect(failed.getByRole("button", { name: "Retry" })).toBeVisible();
		await send(page, room, "a normal message still goes");
		await expect(messageRow(page, "a normal message still goes")).toHaveAttribute("data-seq", "1");
		await expect(page.locator("[data-state=reconnecting]")).toHaveCount(0);
	});
});

test.describe("names and headers (issue 15)", () => {
	test("names in every list are isolated, so right-to-left text cannot reorder what is around them", async ({
		browser,
	}) => {
		const room = freshRoom("rtl");
		const ada = await guestInRoom(browser, room);
		const bob = await guestInRoom(browser, room);
		const origin = { origin: baseURL };
		const renamed = await bob.request.post("/api/auth/update-user", { data: { name: "שלום 42" }, headers: origin });
		expect(renamed.ok()).toBe(true);
		await bob.reload();
		await composer(bob, room).pressSequentially("hi", { delay: 40 });
		const typing = ada.getByTestId("typing");
		await expect(typing).toContainText("is typing");
		expect(await typing.textContent()).toBe("\u2068שלום 42\u2069 (guest) is typing…");
		await expect(ada.getByTestId("presence")).toHaveAttribute("title", /\u2068שלום 42\u2069 \(guest\)/);
		await ada.getByRole("button", { name: "Room info" }).click();
		const member = ada
			.getByRole("complementary", { name: "Room info" })
			.getByRole("listitem")
			.filter({ hasText: "שלום" });
		await expect(member.locator("bdi")).toHaveText("שלום 42");
		await expect(member).toContainText("guest");
		await expect(ada.getByRole("heading", { level: 1 }).locator("bdi")).toHaveText(room);
		await expect(sidebarLink(ada, room).locator("bdi")).toHaveText(room);
	});

	test("every response of the production build carries the security headers", async ({ page }) => {
		await page.goto("/sign-in");
		const asset = await page.locator("script[src^='/assets/']").first().getAttribute("src");
		for (const path of [
			"/",
			"/rooms/general",
			"/sign-in",
			"/favicon.svg",
			asset ?? "/",
			"/no/such/page",
			"/api/health",
		]) {
			const res = await page.request.get(path, { maxRedirects: 0 });
			const headers = res.headers();
			expect(headers["x-content-type-options"], path).toBe("nosniff");
			expect(headers["x-frame-options"], path).toBe("DENY");
			expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
			expect(headers["content-security-policy"], path).toMatch(/frame-ancestors 'none'/);
			// Served over http here: HSTS would be ignored, and is not sent.
			expect(headers["strict-transport-security"], path).toBeUndefined();
		}
	});
});
