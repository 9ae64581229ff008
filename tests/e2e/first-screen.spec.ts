import { expect, test } from "./fixtures";
import { closeContexts, freshRoom, guestInRoom, messageRow, SeedClient } from "./room-helpers";

test.afterEach(closeContexts);

test.describe("the first screen (issue 21)", () => {
	test("the page's scripts and styles are kept by the browser as immutable; the page itself never is", async ({
		browser,
	}) => {
		const page = await guestInRoom(browser, "general");
		const response = await page.reload();
		expect(response?.headers()["cache-control"]).toBe("private, no-store");
		// Every file the first screen loads is named by its content's hash: the app's one script and
		// its stylesheet.
		const assets = [...((await response?.text()) ?? "").matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
		expect(assets.filter((path) => path?.endsWith(".js"))).toHaveLength(1);
		expect(assets.filter((path) => path?.endsWith(".css"))).toHaveLength(1);
		for (const path of assets) {
			const asset = await page.request.get(path ?? "");
			expect(asset.status(), path).toBe(200);
			expect(asset.headers()["cache-control"], path).toBe("public, max-age=31536000, immutable");
			// The security headers still come with them.
			expect(asset.headers()["x-content-type-options"], path).toBe("nosniff");
		}
	});

	test("a room opens with its messages in the very first frame that shows the list, with no history request", async ({
		browser,
	}) => {
		const room = freshRoom("first");
		const seed = await SeedClient.connect(room);
		await seed.send(Array.from({ length: 40 }, (_, i) => `first screen ${i}`));
		seed.close();
		const page = await guestInRoom(browser, room);
		await expect(messageRow(page, "first screen 39")).toBeVisible();

		// From the page's first script on, note every animation frame: -1 while there is no list,
		// else how many message rows it shows.
		await page.addInitScript(() => {
			const frames: number[] = [];
			(window as unknown as { __frames: number[] }).__frames = frames;
			const tick = () => {
				const log = document.querySelector("[role=log]");
				frames.push(log ? log.querySelectorAll("article").length : -1);
				if (frames.length < 2_000) requestAnimationFrame(tick);
			};
			requestAnimationFrame(tick);
		});
		const requests: string[] = [];
		page.on("request", (r) => requests.push(new URL(r.url()).pathname));
		const response = await page.reload();
		const html = (await response?.text()) ?? "";
		expect(html).toContain('<script type="application/json" id="parlor-boot">');
		expect(response?.headers()["cache-control"]).toBe("private, no-store");
		await expect(messageRow(page, "first screen 39")).toBeVisible();
		const frames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames);
		const withList = frames.filter((n) => n !== -1);
		expect(withList.length).toBeGreaterThan(0);
		// Never an empty list: the first frame that has the list already has the messages.
		expect(withList.filter((n) => n === 0)).toEqual([]);
		// The session, the sidebar and the history came with the page.
		expect(requests).not.toContain(`/api/rooms/${room}/messages`);
		expect(requests).not.toContain("/api/me");
	});

	test("a signed-out visitor gets the sign-in page without asking for the session", async ({ browser }) => {
		const context = await browser.newContext();
		const page = await context.newPage();
		const requests: string[] = [];
		page.on("request", (r) => requests.push(new URL(r.url()).pathname));
		await page.goto("/rooms/general");
		await expect(page).toHaveURL(/\/sign-in/);
		await expect(page.getByRole("button", { name: "Continue as guest" })).toBeVisible();
		expect(requests).not.toContain("/api/me");
		await context.close();
	});
});
