import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { closeContexts, freshRoom, guestInRoom, messageRow, SeedClient } from "./room-helpers";

test.afterEach(closeContexts);

async function send(page: Page, room: string, text: string) {
	const composer = page.getByRole("textbox", { name: `Message #${room}` });
	await composer.fill(text);
	await composer.press("Enter");
	await expect(messageRow(page, text)).toBeVisible();
	await expect(page.getByText("Sending…")).toHaveCount(0);
}

/** The signed-in user's display name. */
async function nameOf(page: Page): Promise<string> {
	const me: { user: { name: string } } = await (await page.request.get("/api/me")).json();
	return me.user.name;
}

/** Where a row sits on screen, read after the next two frames (so after any layout they start). */
function topOf(page: Page, text: string): Promise<number> {
	return messageRow(page, text).evaluate(
		(el) =>
			new Promise<number>((resolve) =>
				requestAnimationFrame(() => requestAnimationFrame(() => resolve(el.getBoundingClientRect().top))),
			),
	);
}

/** Waits until a row stops moving (the list pins a linked message while rows measure); returns where it rests. */
async function settledAt(page: Page, text: string): Promise<number> {
	let previous = await topOf(page, text);
	await expect
		.poll(async () => {
			const now = await topOf(page, text);
			const still = now === previous;
			previous = now;
			return still;
		})
		.toBe(true);
	return previous;
}

/** A message's actions: shown by hovering its row. */
async function action(page: Page, text: string, name: string) {
	const row = messageRow(page, text);
	await row.hover();
	await row.getByRole("toolbar", { name: "Message actions" }).getByRole("button", { name, exact: true }).click();
}

test.describe("living messages (issue 18)", () => {
	test("an author edits from the row and with Up in the empty composer; the other user sees it and its history", async ({
		browser,
	}) => {
		const room = freshRoom("edit");
		const ada = await guestInRoom(browser, room);
		const bo = await guestInRoom(browser, room);
		await send(ada, room, "helo wrold");
		await expect(messageRow(bo, "helo wrold")).toBeVisible();

		await action(ada, "helo wrold", "Edit");
		const composer = ada.getByRole("textbox", { name: "Edit your message" });
		await expect(composer).toHaveValue("helo wrold");
		await composer.fill("hello world");
		await composer.press("Enter");
		await expect(messageRow(bo, "hello world")).toBeVisible();
		await expect(messageRow(bo, "hello world").getByRole("button", { name: "(edited)" })).toBeVisible();

		// Up in the empty box edits the last message; Escape leaves it as it was.
		const box = ada.getByRole("textbox", { name: `Message #${room}` });
		await box.click();
		await box.press("ArrowUp");
		await expect(ada.getByRole("textbox", { name: "Edit your message" })).toHaveValue("hello world");
		await ada.getByRole("textbox", { name: "Edit your message" }).press("Escape");
		await expect(box).toHaveValue("");
		await box.press("ArrowUp");
		await ada.getByRole("textbox", { name: "Edit your message" }).fill("hello, world");
		await ada.getByRole("textbox", { name: "Edit your message" }).press("Enter");
		await expect(messageRow(bo, "hello, world")).toBeVisible();

		await messageRow(bo, "hello, world").getByRole("button", { name: "(edited)" }).click();
		const versions = bo.getByRole("dialog", { name: "Edit history" });
		await expect(versions.getByTestId("versions").getByText("helo wrold", { exact: true })).toBeVisible();
		await expect(versions.getByTestId("versions").getByText("hello world", { exact: true })).toBeVisible();
		// Only the author edits: the other user has no Edit action on it.
		await versions.getByRole("button", { name: "Close" }).click();
		await messageRow(bo, "hello, world").hover();
		await expect(messageRow(bo, "hello, world").getByRole("button", { name: "Edit", exact: true })).toHaveCount(0);
	});

	test("an author deletes their message; a moderator named by the owner deletes anyone's, with a reason in the log", async ({
		browser,
	}) => {
		const room = freshRoom("del");
		const owner = await guestInRoom(browser, room);
		const mod = await guestInRoom(browser, room);
		const member = await guestInRoom(browser, room);
		await send(member, room, "oops, wrong room");
		await action(member, "oops, wrong room", "Delete");
		await member.getByRole("dialog", { name: "Delete this message?" }).getByRole("button", { name: "Delete" }).click();
		await expect(owner.getByTestId("tombstone")).toHaveText("Message deleted");
		await expect(owner.getByText("oops, wrong room")).toHaveCount(0);

		await send(member, room, "buy cheap pills");
		// Not yet a moderator: no Delete on someone else's message.
		await messageRow(mod, "buy cheap pills").hover();
		await expect(messageRow(mod, "buy cheap pills").getByRole("button", { name: "Delete", exact: true })).toHaveCount(
			0,
		);

		// The owner names them in the info panel.
		await owner.getByRole("button", { name: "Room info", exact: true }).click();
		const panel = owner.getByRole("complementary", { name: "Room info" });
		const modName = await nameOf(mod);
		const row = panel.getByRole("listitem").filter({ hasText: modName });
		await row.getByRole("button", { name: "Make moderator" }).click();
		await expect(row.getByText("Moderator", { exact: true })).toBeVisible();

		await action(mod, "buy cheap pills", "Delete");
		const dialog = mod.getByRole("dialog", { name: "Delete this message as a moderator?" });
		await dialog.getByRole("textbox").fill("spam");
		await dialog.getByRole("button", { name: "Delete" }).click();
		await expect(member.getByTestId("tombstone").last()).toHaveText("Message deleted by a moderator");

		// Opened again, the panel reads the log afresh.
		await owner.getByRole("button", { name: "Close room info" }).click();
		await owner.getByRole("button", { name: "Room info", exact: true }).click();
		const log = owner.getByTestId("moderation-log");
		await expect(log).toContainText(`${modName} deleted a message by`);
		await expect(log).toContainText("“spam”");
	});

	test("reactions toggle, count and show who reacted, live for the other user", async ({ browser }) => {
		const room = freshRoom("react");
		const ada = await guestInRoom(browser, room);
		const bo = await guestInRoom(browser, room);
		await send(ada, room, "pizza tonight?");
		await action(bo, "pizza tonight?", "React with 👍");
		const adaReaction = messageRow(ada, "pizza tonight?").getByRole("button", { name: /^👍 1/ });
		await expect(adaReaction).toBeVisible();
		await expect(adaReaction).toHaveAttribute("aria-pressed", "false");
		await adaReaction.click();
		await expect(messageRow(bo, "pizza tonight?").getByRole("button", { name: /^👍 2/ })).toHaveAttribute(
			"aria-pressed",
			"true",
		);
		// Who reacted shows on focus as well as hover.
		const boName = await nameOf(bo);
		await messageRow(ada, "pizza tonight?").getByRole("button", { name: /^👍 2/ }).focus();
		await expect(messageRow(ada, "pizza tonight?").getByRole("tooltip")).toContainText(boName);

		// The picker searches emoji by name.
		await messageRow(ada, "pizza tonight?")
			.getByTestId("reactions")
			.getByRole("button", { name: "Add reaction" })
			.click();
		const picker = ada.getByRole("dialog", { name: "Choose a reaction" });
		await picker.getByRole("searchbox", { name: "Search emoji" }).fill("party popper");
		await picker.getByTestId("emoji-results").getByRole("button").first().click();
		await expect(messageRow(bo, "pizza tonight?").getByRole("button", { name: /^🎉 1/ })).toBeVisible();
		// Taking it back removes it for everyone.
		await messageRow(ada, "pizza tonight?").getByRole("button", { name: /^🎉 1/ }).click();
		await expect(messageRow(bo, "pizza tonight?").getByRole("button", { name: /^🎉/ })).toHaveCount(0);
	});

	test("a reply quotes its parent, and the quote jumps to a parent far above that is not loaded", async ({
		browser,
	}) => {
		const room = freshRoom("reply");
		const seed = await SeedClient.connect(room);
		const [parent] = await seed.send(["the original question"]);
		for (let i = 0; i < 3; i++) await seed.send(Array.from({ length: 100 }, (_, j) => `filler ${i * 100 + j}`));
		await seed.send(["the answer, much later"], parent?.id);
		const page = await guestInRoom(browser, room);
		const reply = messageRow(page, "the answer, much later");
		await expect(reply.getByTestId("reply-quote")).toContainText("the original question");
		await expect(messageRow(page, "the original question")).toHaveCount(0);
		await reply.getByTestId("reply-quote").click();
		await expect(page).toHaveURL(new RegExp(`/rooms/${room}/m/${parent?.seq}$`));
		const target = messageRow(page, "the original question");
		await expect(target).toHaveAttribute("data-highlighted", "true");
		await expect(target).toBeInViewport();

		// Replying from the page: the quote goes with the message.
		await page.getByRole("button", { name: /Jump to present/ }).click();
		await expect(page).toHaveURL(new RegExp(`/rooms/${room}$`));
		await action(page, "the answer, much later", "Reply");
		await expect(page.getByTestId("composer-context")).toContainText("the answer, much later");
		await send(page, room, "replying in the app");
		await expect(messageRow(page, "replying in the app").getByTestId("reply-quote")).toContainText(
			"the answer, much later",
		);
		seed.close();
	});

	test("a permalink opens deep history at its message, pinned, and live messages arrive below without moving it", async ({
		browser,
	}) => {
		test.setTimeout(90_000);
		const room = freshRoom("link");
		const seed = await SeedClient.connect(room);
		await seed.send(Array.from({ length: 100 }, (_, i) => `early ${i}`));
		const [target] = await seed.send(["the message someone linked"]);
		let last: Array<{ seq: number }> = [];
		for (let i = 0; i < 20; i++) last = await seed.send(Array.from({ length: 100 }, (_, j) => `later ${i * 100 + j}`));
		const page = await guestInRoom(browser, "general");
		await page.goto(`/rooms/${room}/m/${target?.seq}`);
		const linked = messageRow(page, "the message someone linked");
		await expect(linked).toHaveAttribute("data-highlighted", "true");
		await expect(linked).toBeInViewport();
		// Pinned: once the rows around it have measured, it stays where it is.
		await settledAt(page, "the message someone linked");
		// Copy link gives this very address.
		await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
		await action(page, "the message someone linked", "Copy link");
		await expect(page.getByTestId("room-notice")).toHaveText("Link copied.");
		expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(
			new RegExp(`/rooms/${room}/m/${target?.seq}$`),
		);

		// A link to a recent message opens a window that reaches the present: live messages arrive
		// below it, and the reader stays where they are.
		const recent = last.at(-3)?.seq;
		await page.goto(`/rooms/${room}/m/${recent}`);
		const near = messageRow(page, "later 1997");
		await expect(near).toHaveAttribute("data-highlighted", "true");
		const before = await settledAt(page, "later 1997");
		await seed.send(["news from the present"]);
		await expect(messageRow(page, "news from the present")).toBeAttached();
		expect(await topOf(page, "later 1997")).toBe(before);

		await page.getByRole("button", { name: /Jump to present/ }).click();
		await expect(page).toHaveURL(new RegExp(`/rooms/${room}$`));
		await expect(messageRow(page, "news from the present")).toBeInViewport();
		seed.close();
	});
});
