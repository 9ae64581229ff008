import { baseURL } from "../../playwright.config";
import { expect, test } from "./fixtures";
import { closeContexts, freshRoom, guestInRoom, messageRow, SeedClient } from "./room-helpers";

test.afterEach(closeContexts);

test.describe("search (issue 20)", () => {
	test("/ focuses search; a result deep in history opens the room there, highlighted", async ({ browser }) => {
		const room = freshRoom("search");
		const word = `narwhal${Date.now().toString(36)}`;
		const seed = await SeedClient.connect(room);
		await seed.send([`the ${word} plan is approved`, ...Array.from({ length: 300 }, (_, i) => `filler message ${i}`)]);
		seed.close();
		const page = await guestInRoom(browser, room);
		await expect(messageRow(page, "filler message 299")).toBeVisible();

		await page.getByRole("log").click();
		await page.keyboard.press("/");
		const box = page.getByRole("searchbox", { name: "Search messages" });
		await expect(box).toBeFocused();
		// The archive copy follows the room by a moment: wait until search has it, then search.
		await expect
			.poll(
				async () => {
					const res = await page.request.get(`/api/search?q=${word}`);
					return ((await res.json()) as { hits: unknown[] }).hits.length;
				},
				{ timeout: 20_000 },
			)
			.toBe(1);
		await box.fill(word);
		await expect(page.getByTestId("search-hit")).toHaveCount(1);
		const results = page.getByRole("region", { name: "Search results" });
		await expect(results.getByRole("region", { name: `Results in #${room}` })).toBeVisible();
		await expect(results.locator("mark")).toHaveText(word);

		await page.getByTestId("search-hit").click();
		await expect(page).toHaveURL(new RegExp(`/rooms/${room}/m/\\d+$`));
		const row = messageRow(page, `the ${word} plan is approved`);
		await expect(row).toHaveAttribute("data-highlighted", "true");
		await expect(row).toBeInViewport();

		// Ctrl+K from the composer focuses search too.
		await page.getByRole("textbox", { name: `Message #${room}` }).click();
		await page.keyboard.press("Control+k");
		await expect(box).toBeFocused();
	});

	test("a room whose search copy is held back says so, in results and in room info, until it catches up", async ({
		browser,
	}) => {
		const room = freshRoom("lag");
		const word = `okapi${Date.now().toString(36)}`;
		// The guest makes the room, so it is its owner (the dev-only pause is the owner's).
		const page = await guestInRoom(browser, room);
		const composer = page.getByRole("textbox", { name: `Message #${room}` });
		const say = async (text: string) => {
			await composer.fill(text);
			await composer.press("Enter");
			await expect(messageRow(page, text)).toBeVisible();
		};
		const hits = async () => {
			const res = await page.request.get(`/api/search?q=${word}`);
			return (await res.json()) as { hits: unknown[]; behind: Array<{ missing: number }> };
		};
		await say(`the ${word} went first`);
		await expect.poll(async () => (await hits()).hits.length, { timeout: 20_000 }).toBe(1);

		const pause = (paused: boolean) =>
			page.request.put(`/api/dev/rooms/${room}/archive-paused`, { data: { paused }, headers: { origin: baseURL } });
		expect((await pause(true)).status()).toBe(200);
		await say(`the ${word} came second`);
		await say("and a third without the word");
		// The room's latest seq reaches D1 within a second; the archive stays where it was.
		await expect.poll(async () => (await hits()).behind[0]?.missing, { timeout: 10_000 }).toBe(2);

		const box = page.getByRole("searchbox", { name: "Search messages" });
		await box.fill(word);
		await expect(page.getByTestId("search-hit")).toHaveCount(1);
		const results = page.getByRole("region", { name: "Search results" });
		await expect(results.getByTestId("search-behind")).toHaveText(
			`Results may miss the last 2 messages of #${room}: its search copy is catching up.`,
		);
		await box.press("Escape");

		await page.getByRole("button", { name: "Room info" }).click();
		await expect(page.getByTestId("sync-health")).toHaveText(/Search copy: 2 behind \(paused\)/);
		await page.getByRole("button", { name: "Close room info" }).click();

		// Resumed, the copy catches up and the notice goes.
		expect((await pause(false)).status()).toBe(200);
		await expect.poll(async () => (await hits()).hits.length, { timeout: 20_000 }).toBe(2);
		expect((await hits()).behind).toEqual([]);
		await page.getByRole("button", { name: "Room info" }).click();
		await expect(page.getByTestId("sync-health")).toHaveText(/Search copy: up to date/);

		// The owner's retention choice for the archive, saved through the API.
		const prune = page.getByRole("checkbox", { name: /Remove messages from search when the room's retention/ });
		await expect(prune).not.toBeChecked();
		await prune.check();
		await expect
			.poll(
				async () =>
					((await (await page.request.get(`/api/rooms/${room}/sync`)).json()) as { retention: string }).retention,
			)
			.toBe("pruned");
	});
});
