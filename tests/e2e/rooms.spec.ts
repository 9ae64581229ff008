import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { closeContexts, freshRoom, guestInRoom, messageRow, newContext, openRoom } from "./room-helpers";

test.afterEach(closeContexts);

async function send(page: Page, room: string, text: string) {
	const composer = page.getByRole("textbox", { name: `Message #${room}` });
	await composer.fill(text);
	await composer.press("Enter");
	await expect(messageRow(page, text).getByText("Sending")).toHaveCount(0);
}

function sidebarLink(page: Page, name: string) {
	return page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: new RegExp(`^${name}`) });
}

/** Another device of the same user: a new browser context with the same session cookie. */
async function sameUserElsewhere(browser: Browser, page: Page): Promise<Page> {
	const context = await newContext(browser, { storageState: await page.context().storageState() });
	return context.newPage();
}

test.describe("rooms", () => {
	test("a user creates a public room from the sidebar and lands in it", async ({ browser }) => {
		const page = await guestInRoom(browser, "general");
		const name = `Book Club ${Date.now().toString(36)}`;
		const slug = name.toLowerCase().replaceAll(" ", "-");
		await page.getByRole("button", { name: "New room" }).click();
		const dialog = page.getByRole("dialog", { name: "New room" });
		await dialog.getByLabel("Room name").fill(name);
		await expect(dialog.getByText(`Address: /rooms/${slug}`)).toBeVisible();
		await dialog.getByRole("button", { name: "Create room" }).click();
		await expect(page).toHaveURL(new RegExp(`/rooms/${slug}$`));
		await expect(page.getByRole("heading", { name, exact: true })).toBeVisible();
		await expect(sidebarLink(page, name)).toHaveAttribute("aria-current", "page");

		// Someone else finds it under "Browse", and opening it makes it one of their rooms.
		const other = await guestInRoom(browser, "general");
		const rooms = other.getByRole("navigation", { name: "Rooms" });
		await rooms.getByText(/Browse public rooms/).click();
		await rooms.getByRole("list", { name: "Public rooms you have not joined" }).getByRole("link", { name }).click();
		await expect(other.getByRole("heading", { name, exact: true })).toBeVisible();
		await expect(
			rooms.getByRole("list", { name: "Public rooms you have not joined" }).getByRole("link", { name }),
		).toHaveCount(0);
		await expect(sidebarLink(other, name)).toHaveAttribute("aria-current", "page");
	});

	test("a private room is reached only through an invite link, which stops working once revoked", async ({
		browser,
	}) => {
		const owner = await guestInRoom(browser, "general");
		await owner.getByRole("button", { name: "New room" }).click();
		const dialog = owner.getByRole("dialog", { name: "New room" });
		const name = `Secret ${Date.now().toString(36)}`;
		await dialog.getByLabel("Room name").fill(name);
		await dialog.getByRole("radio", { name: /Private/ }).check();
		await dialog.getByRole("button", { name: "Create room" }).click();
		await expect(owner.getByRole("heading", { name, exact: true })).toBeVisible();
		const roomUrl = owner.url();

		// A stranger with the room's address sees what a missing room shows.
		const stranger = await guestInRoom(browser, "general");
		await stranger.goto(roomUrl);
		await expect(stranger.getByRole("heading", { name: "Room not found" })).toBeVisible();
		await expect(sidebarLink(stranger, name)).toHaveCount(0);

		await owner.getByRole("button", { name: "Room info" }).click();
		await owner.getByRole("button", { name: "Create invite link" }).click();
		const link = await owner.getByRole("textbox", { name: "Invite link" }).inputValue();
		expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{22}$/);

		await stranger.goto(link);
		await expect(stranger.getByRole("heading", { name: `You are invited to 🔒 ${name}` })).toBeVisible();
		await stranger.getByRole("button", { name: "Join room" }).click();
		await expect(stranger).toHaveURL(roomUrl);
		await expect(stranger.getByRole("heading", { name, exact: true })).toBeVisible();
		await expect(sidebarLink(stranger, name)).toBeVisible();

		await owner.getByRole("button", { name: "Revoke" }).click();
		await expect(owner.getByRole("textbox", { name: "Invite link" })).toHaveCount(0);
		const late = await guestInRoom(browser, "general");
		await late.goto(link);
		await expect(late.getByRole("heading", { name: "Invite not valid" })).toBeVisible();

		// Leaving takes the room away on every tab of that user, without signing them out.
		const strangerTab2 = await sameUserElsewhere(browser, stranger);
		await strangerTab2.goto(roomUrl);
		await expect(strangerTab2.getByRole("heading", { name, exact: true })).toBeVisible();
		await stranger.getByRole("button", { name: "Room info" }).click();
		await stranger.getByRole("button", { name: "Leave room" }).click();
		for (const page of [stranger, strangerTab2]) {
			await expect(page).toHaveURL(/\/rooms\/general$/);
			await expect(sidebarLink(page, name)).toHaveCount(0);
		}
		await stranger.goto(roomUrl);
		await expect(stranger.getByRole("heading", { name: "Room not found" })).toBeVisible();
	});

	test("unread badges count what others sent, the divider marks it, and reading clears it on every device", async ({
		browser,
	}) => {
		const room = freshRoom("unread");
		const other = freshRoom("elsewhere");
		const author = await guestInRoom(browser, room);
		const reader = await guestInRoom(browser, room);
		await send(reader, room, "I was here first");
		await openRoom(reader, other);
		const readerPhone = await sameUserElsewhere(browser, reader);
		await readerPhone.goto(`/rooms/${other}`);

		for (const text of ["one", "two", "three"]) await send(author, room, text);
		for (const page of [reader, readerPhone]) {
			await expect(sidebarLink(page, room).getByTestId("unread-badge")).toHaveText("3 unread");
		}
		await expect(reader).toHaveTitle("(3) Parlor");

		await sidebarLink(reader, room).click();
		await expect(reader.getByRole("heading", { name: room, exact: true })).toBeVisible();
		const divider = reader.getByRole("separator", { name: "New messages" });
		await expect(divider).toBeVisible();
		// The divider sits right above the first unread message.
		const below = await divider.evaluate((el) => el.closest("[data-key]")?.nextElementSibling?.textContent ?? "");
		expect(below).toContain("one");
		await expect(sidebarLink(reader, room).getByTestId("unread-badge")).toHaveCount(0);
		// The other device is told the room was read (its inbox socket), and asks for the counts again.
		await expect(sidebarLink(readerPhone, room).getByTestId("unread-badge")).toHaveCount(0);
		await expect(reader).toHaveTitle("Parlor");
	});

	test("another room's new messages reach the sidebar pushed, without asking for the room list, and an idle tab asks nothing on a timer", async ({
		browser,
	}) => {
		const room = freshRoom("pushed");
		const other = freshRoom("reading");
		const author = await guestInRoom(browser, room);
		const reader = await guestInRoom(browser, room);
		// The one list request of a page load: once its inbox socket is connected, nothing it was
		// not pushed is missed (a read or a leave on another device just before).
		const listed = reader.waitForResponse(
			(response) => response.request().method() === "GET" && new URL(response.url()).pathname === "/api/rooms",
		);
		await openRoom(reader, other);
		await listed;
		await expect(sidebarLink(reader, room)).toBeVisible();
		const listRequests: string[] = [];
		reader.on("request", (request) => {
			if (new URL(request.url()).pathname === "/api/rooms") listRequests.push(request.url());
		});

		await send(author, room, "pushed to the sidebar");
		await expect(sidebarLink(reader, room).getByTestId("unread-badge")).toHaveText("1 unread");
		await send(author, room, "and again");
		await expect(sidebarLink(reader, room).getByTestId("unread-badge")).toHaveText("2 unread");
		await expect(reader).toHaveTitle("(2) Parlor");
		expect(listRequests).toEqual([]);

		// Left alone for longer than two of the old 5 s polls: no request at all.
		const idleFrom = Date.now();
		const anyRequest: string[] = [];
		reader.on("request", (request) => anyRequest.push(request.url()));
		await reader.waitForTimeout(11_000);
		expect(Date.now() - idleFrom).toBeGreaterThanOrEqual(11_000);
		expect(anyRequest).toEqual([]);
	});

	test("a room link keeps keyboard focus while the list changes under it (a room joined on another device)", async ({
		browser,
	}) => {
		const room = freshRoom("focused");
		const joinedElsewhere = freshRoom("joined-elsewhere");
		const reader = await guestInRoom(browser, room);
		await sidebarLink(reader, room).focus();
		await expect(sidebarLink(reader, room)).toBeFocused();

		// The other device's join reaches this sidebar, which asks for the list again.
		const phone = await sameUserElsewhere(browser, reader);
		await openRoom(phone, joinedElsewhere);
		await expect(sidebarLink(reader, joinedElsewhere)).toBeVisible();
		await expect(sidebarLink(reader, room)).toBeFocused();
		// Keyboard focus moves on from where it was, not from the top of the page.
		await reader.keyboard.press("Shift+Tab");
		await expect(sidebarLink(reader, room)).not.toBeFocused();
	});

	test("presence lists each user once, survives a reload, and typing shows then clears", async ({ browser }) => {
		const room = freshRoom("presence");
		const ada = await guestInRoom(browser, room);
		const bob = await guestInRoom(browser, room);
		const bobTab2 = await sameUserElsewhere(browser, bob);
		await openRoom(bobTab2, room);
		const bobName = (await bob.getByTestId("current-user").textContent()) ?? "";

		await expect(ada.getByTestId("presence")).toContainText("2 here");
		// A reload is a reconnect blip: nobody is shown as leaving.
		await bob.reload();
		await expect(ada.getByTestId("presence")).toContainText("2 here");

		await bob.getByRole("textbox", { name: `Message #${room}` }).pressSequentially("hel", { delay: 50 });
		// The name is isolated (U+2068…U+2069) and marked as a guest's.
		await expect(ada.getByTestId("typing")).toHaveText(`\u2068${bobName}\u2069 (guest) is typing…`);
		await expect(bob.getByTestId("typing")).toHaveText("");
		await bob.getByRole("textbox", { name: `Message #${room}` }).press("Enter");
		await expect(messageRow(ada, "hel")).toBeVisible();
		await expect(ada.getByTestId("typing")).toHaveText("");

		await bob.context().close();
		await bobTab2.context().close();
		// After the grace period (5 s in dev) Bob is gone.
		await expect(ada.getByTestId("presence")).toContainText("1 here", { timeout: 15_000 });
	});

	test("the info panel shows members, message count, storage and retention", async ({ browser }) => {
		const room = freshRoom("info");
		const page = await guestInRoom(browser, room);
		await send(page, room, "first");
		await send(page, room, "second");
		await page.getByRole("button", { name: "Room info" }).click();
		const panel = page.getByRole("complementary", { name: "Room info" });
		await expect(panel.getByRole("definition").filter({ hasText: /^2$/ })).toBeVisible();
		await panel.getByText("Storage details").click();
		await expect(panel.getByText(/The room's saved messages take [\d.]+ (B|KB|MB)/)).toBeVisible();
		await expect(panel.getByText(/Latest 10,000, up to 30 days/)).toBeVisible();
		const me = (await page.getByTestId("current-user").textContent()) ?? "";
		await expect(panel.getByRole("listitem").filter({ hasText: me })).toContainText("here now");
	});
});

test("on a phone the room list is a drawer that opens from the header and closes on choosing a room", async ({
	browser,
}) => {
	const room = freshRoom("drawer");
	const page = await guestInRoom(browser, room, { viewport: { width: 390, height: 844 }, isMobile: true });
	// Landing in #general joins it only if its socket opened first; make sure it is in the list.
	await page.request.post("/api/rooms/general/join", { headers: { origin: new URL(page.url()).origin } });
	await page.reload();
	const nav = page.getByRole("navigation", { name: "Rooms" });
	await expect(nav).toBeHidden();
	const toggle = page.getByRole("button", { name: "Rooms" });
	await toggle.click();
	await expect(toggle).toHaveAttribute("aria-expanded", "true");
	await nav.getByRole("link", { name: /^general/ }).click();
	await expect(page.getByRole("heading", { name: "general", exact: true })).toBeVisible();
	await expect(nav).toBeHidden();
});
