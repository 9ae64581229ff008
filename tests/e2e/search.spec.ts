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
});
