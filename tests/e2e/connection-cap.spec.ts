import WebSocket from "ws";
import { baseURL } from "../../playwright.config";
import { expect, test } from "./fixtures";
import { closeContexts, freshRoom, guestInRoom } from "./room-helpers";

test.afterEach(closeContexts);

test("a tab pushed out by the per-user socket cap says so, and takes the room back when asked", async ({ browser }) => {
	const room = freshRoom("cap");
	const page = await guestInRoom(browser, room);
	// The page's clock is ours from here on: "it stays down" is proved by running its timers ahead,
	// not by waiting and hoping nothing happens meanwhile.
	await page.clock.install();
	// Room sockets only: the sidebar's inbox socket is not capped and keeps its own keep-alive.
	let sockets = 0;
	page.on("websocket", (ws) => {
		if (/\/api\/rooms\/.+\/socket$/.test(ws.url())) sockets++;
	});
	const composer = page.getByRole("textbox", { name: `Message #${room}` });
	await expect(composer).toBeEditable();
	const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");

	// The same user opens the room in 10 more places (ROOM_SOCKETS_PER_USER is 10): the tab is the oldest.
	const others: WebSocket[] = [];
	for (let i = 0; i < 10; i++) {
		const ws = new WebSocket(`${baseURL.replace("http", "ws")}/api/rooms/${room}/socket`, {
			headers: { cookie, origin: baseURL },
		});
		await new Promise((resolve, reject) => {
			ws.once("open", resolve);
			ws.once("error", reject);
		});
		others.push(ws);
	}
	const banner = page.getByRole("status");
	await expect(banner).toContainText("open in too many tabs or devices");
	// It stays down on its own: reconnecting by itself would push out one of the others. A minute of
	// its timers (every backoff and keep-alive) passes, and it opens no socket.
	await page.clock.runFor(60_000);
	expect(sockets).toBe(0);
	await expect(banner).toContainText("open in too many tabs or devices");

	const closedElsewhere = new Promise<number>((resolve) => others[0]?.once("close", (code) => resolve(code)));
	await banner.getByRole("button", { name: "Use it here" }).click();
	await expect(banner).toBeHidden();
	expect(await closedElsewhere).toBe(4001);
	for (const ws of others) ws.terminate();
});
