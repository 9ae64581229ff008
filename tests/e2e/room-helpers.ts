import type { Browser, BrowserContext, BrowserContextOptions, Page } from "@playwright/test";
import WebSocket from "ws";
import { PROTOCOL_VERSION } from "../../api/protocol/room-protocol";
import { baseURL } from "../../playwright.config";
import { expect, randomIp } from "./fixtures";

let counter = 0;

/** A room no other test uses. */
export function freshRoom(prefix = "e2e"): string {
	return `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
}

const openContexts = new Set<BrowserContext>();

/** A new browser context that `closeContexts` (run after each test) will close. */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
	const context = await browser.newContext({ ...options, extraHTTPHeaders: { "cf-connecting-ip": randomIp() } });
	openContexts.add(context);
	return context;
}

export async function closeContexts(): Promise<void> {
	await Promise.all([...openContexts].map((c) => c.close()));
	openContexts.clear();
}

/** Waits until the list sits at its bottom and has stopped moving. */
export async function settledAtBottom(page: Page): Promise<void> {
	await expect.poll(() => distanceFromBottom(page)).toBeLessThanOrEqual(2);
	await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
	await expect.poll(() => distanceFromBottom(page)).toBeLessThanOrEqual(2);
}

/** A browser context signed in as a new guest, on the given room. */
export async function guestInRoom(browser: Browser, room: string, options: BrowserContextOptions = {}): Promise<Page> {
	const context = await newContext(browser, options);
	const page = await context.newPage();
	await page.goto("/sign-in");
	await page.getByRole("button", { name: "Continue as guest" }).click();
	await expect(page).toHaveURL(/\/rooms\/general$/);
	await openRoom(page, room);
	return page;
}

/**
 * Makes sure a public room called `room` exists (its slug is its name), as the New room dialog
 * would; a room another context already made is fine.
 */
export async function ensureRoom(page: Page, room: string): Promise<void> {
	const res = await page.request.post("/api/rooms", {
		data: { name: room, visibility: "public" },
		headers: { origin: baseURL },
	});
	if (res.status() !== 201 && res.status() !== 409)
		throw new Error(`room not created: ${res.status()} ${await res.text()}`);
}

export async function openRoom(page: Page, room: string): Promise<void> {
	await ensureRoom(page, room);
	await page.goto(`/rooms/${room}`);
	await expect(page.getByRole("heading", { name: room, exact: true })).toBeVisible();
	await expect(page.getByRole("textbox", { name: `Message #${room}` })).toBeVisible();
}

/** Distance in px between the list's bottom edge and the end of its content. */
export function distanceFromBottom(page: Page): Promise<number> {
	return page.getByTestId("message-scroller").evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
}

/** The row whose text is exactly `text`. */
export function messageRow(page: Page, text: string) {
	return page
		.getByRole("log")
		.getByRole("article")
		.filter({ has: page.locator("p[dir=auto]").getByText(text, { exact: true }) });
}

/**
 * A second participant that talks over a plain WebSocket from Node, used to seed history and to
 * post while a browser watches. It signs in as a guest like the app does.
 */
export class SeedClient {
	private constructor(
		private readonly ws: WebSocket,
		private readonly frames: Array<{ type: string; clientId?: string; seq?: number; id?: string }>,
	) {}

	static async connect(room: string, ip = randomIp()): Promise<SeedClient> {
		const res = await fetch(`${baseURL}/api/auth/sign-in/anonymous`, {
			method: "POST",
			headers: { "content-type": "application/json", origin: baseURL, "cf-connecting-ip": ip },
			body: "{}",
		});
		if (!res.ok) throw new Error(`guest sign-in failed: ${res.status}`);
		const cookie = res.headers
			.getSetCookie()
			.map((c) => c.split(";")[0])
			.join("; ");
		const created = await fetch(`${baseURL}/api/rooms`, {
			method: "POST",
			headers: { "content-type": "application/json", origin: baseURL, cookie, "cf-connecting-ip": ip },
			body: JSON.stringify({ name: room, visibility: "public" }),
		});
		if (created.status !== 201 && created.status !== 409) throw new Error(`room not created: ${created.status}`);
		const ws = new WebSocket(`${baseURL.replace("http", "ws")}/api/rooms/${room}/socket`, {
			headers: { cookie, origin: baseURL },
		});
		const frames: Array<{ type: string; clientId?: string; seq?: number; id?: string }> = [];
		ws.on("message", (data) => frames.push(JSON.parse(String(data))));
		await new Promise<void>((resolve, reject) => {
			ws.once("open", () => resolve());
			ws.once("error", reject);
		});
		const client = new SeedClient(ws, frames);
		ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
		await client.waitFor(() => frames.some((f) => f.type === "welcome"));
		return client;
	}

	/** Tells the room this participant is typing (shown to others for a few seconds). */
	typing(): void {
		this.ws.send(JSON.stringify({ type: "typing" }));
	}

	/** Sends messages in one burst and waits until every one is acked (stored); returns their seqs and ids. */
	async send(texts: string[], replyTo?: string): Promise<Array<{ seq: number; id: string }>> {
		return this.write(texts.map((text) => ({ type: "send", text, ...(replyTo ? { replyTo } : {}) })));
	}

	/** Edits, deletes or reacts (frames without a clientId, which this adds) and waits for the acks. */
	async write(frames: Array<Record<string, unknown>>): Promise<Array<{ seq: number; id: string }>> {
		const ids: string[] = frames.map(() => crypto.randomUUID());
		frames.forEach((frame, i) => {
			this.ws.send(JSON.stringify({ ...frame, clientId: ids[i] }));
		});
		const wanted = new Set(ids);
		const acks = () => this.frames.filter((f) => f.type === "ack" && f.clientId && wanted.has(f.clientId));
		await this.waitFor(() => acks().length === ids.length);
		return ids.map((clientId) => {
			const ack = acks().find((f) => f.clientId === clientId);
			return { seq: ack?.seq ?? 0, id: ack?.id ?? "" };
		});
	}

	/**
	 * A busy room: `count` messages at `perSecond`, every fourth a reply to a recent one and every
	 * second followed by a reaction on one of the newest, so rows grow after they are drawn. Waits
	 * until every write is acked; returns the last message's text.
	 */
	async burst(count: number, perSecond: number): Promise<string> {
		const acked = () => this.frames.filter((f) => f.type === "ack" && f.id).map((f) => f.id as string);
		const ids: string[] = [];
		const started = performance.now();
		for (let i = 0; i < count; i++) {
			const wait = started + (i * 1000) / perSecond - performance.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			const recent = acked().slice(-10);
			const clientId = crypto.randomUUID();
			ids.push(clientId);
			const replyTo = i % 4 === 0 ? recent[0] : undefined;
			this.ws.send(JSON.stringify({ type: "send", clientId, text: `burst ${i + 1}`, ...(replyTo ? { replyTo } : {}) }));
			const target = recent.at(-1 - (i % 5));
			if (i % 2 === 0 && target) {
				const reactionId = crypto.randomUUID();
				ids.push(reactionId);
				this.ws.send(JSON.stringify({ type: "react", clientId: reactionId, messageId: target, emoji: "🎉", on: true }));
			}
		}
		const wanted = new Set(ids);
		await this.waitFor(
			() => this.frames.filter((f) => f.type === "ack" && f.clientId && wanted.has(f.clientId)).length === ids.length,
		);
		return `burst ${count}`;
	}

	close(): void {
		this.ws.close();
	}

	private async waitFor(done: () => boolean, timeoutMs = 20_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!done()) {
			const errors = this.frames.filter((f) => f.type === "error");
			if (errors.length) throw new Error(`room answered with errors: ${JSON.stringify(errors.slice(0, 3))}`);
			if (Date.now() > deadline) throw new Error("timed out waiting for the room");
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}
}
