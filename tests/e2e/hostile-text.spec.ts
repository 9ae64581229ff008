import { expect, test } from "./fixtures";
import { closeContexts, freshRoom, guestInRoom, messageRow, SeedClient } from "./room-helpers";

test.afterEach(closeContexts);

const XSS = [
	`<img src=x onerror="window.__pwned=1">`,
	`<a href="javascript:window.__pwned=2">click me</a>`,
	`<svg onload="window.__pwned=3"><script>window.__pwned=4</script></svg>`,
	`"><script>window.__pwned=5</script>`,
	`[link](javascript:window.__pwned=6) and <iframe src="javascript:window.__pwned=7">`,
];
/** Right-to-left override: without isolation it would flip the row's name and time around it. */
const BIDI = "\u202Eevil\u202D and \u2067isolated\u2069 \u202Bembedded";
/** Zalgo: a few letters buried under 60 stacked combining marks each. */
const ZALGO = [..."zalgo"].map((ch) => ch + "\u0336\u0353\u0489\u030d".repeat(15)).join("");

/** Markdown that tries to become a script, a frame, a data document or an image. */
const MARKDOWN = [
	"[a](javascript:window.__pwned=8)",
	"[b](JaVaScRiPt:window.__pwned=9)",
	"[c](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xMDwvc2NyaXB0Pg==)",
	"[d](vbscript:msgbox)",
	"<javascript:window.__pwned=11>",
	"![e](javascript:window.__pwned=12)",
	"![f](https://tracker.invalid/pixel.png)",
	"**<img src=x onerror=window.__pwned=13>**",
	"```\n<script>window.__pwned=14</script>\n```",
	'[g](https://example.com "title" onmouseover=window.__pwned=15)',
	`${"*a **a ".repeat(300)}`,
	`${"[".repeat(2000)}x`,
];

test.describe("hostile message text", () => {
	test("XSS payloads render as inert text, with no script run and no CSP violation", async ({ browser }) => {
		const room = freshRoom("xss");
		const page = await guestInRoom(browser, room);
		// Listening from the first byte of the page: reload with the listener installed.
		await page.addInitScript(() => {
			const w = window as unknown as { __violations: string[] };
			w.__violations = [];
			document.addEventListener("securitypolicyviolation", (e) => w.__violations.push(e.violatedDirective));
		});
		await page.reload();
		await expect(page.getByRole("textbox", { name: `Message #${room}` })).toBeVisible();
		const seed = await SeedClient.connect(room);
		await seed.send(XSS);
		seed.close();
		for (const text of XSS) await expect(messageRow(page, text)).toBeVisible();

		const log = page.getByRole("log");
		expect(await log.locator("img:not([alt=''])").count()).toBe(0);
		expect(await log.locator("svg, script, iframe, a[href^='javascript' i]").count()).toBe(0);
		expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
		// The page's own policy is on (a response header), and nothing the page did needed an exception.
		const served = await page.request.get(`/rooms/${room}`);
		expect(served.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
		const violations = () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
		expect(await violations()).toEqual([]);
		// And the listener does hear one: an image from a host the policy does not name.
		await page.evaluate(() => {
			new Image().src = "https://tracker.invalid/pixel.png";
		});
		await expect.poll(violations).toEqual(["img-src"]);
	});

	test("bidi overrides stay inside their message and zalgo text stays inside its row", async ({ browser }) => {
		const room = freshRoom("bidi");
		const page = await guestInRoom(browser, room);
		const seed = await SeedClient.connect(room);
		await seed.send(["plain line", BIDI, ZALGO, "after the noise"]);
		seed.close();
		const plain = messageRow(page, "plain line");
		const bidi = messageRow(page, BIDI);
		const zalgo = messageRow(page, ZALGO);
		const after = messageRow(page, "after the noise");
		await expect(after).toBeVisible();

		// Isolated: the override cannot leak out of the text into the rest of the row. Author names
		// (from OAuth providers, so just as untrusted) are isolated the same way.
		await expect(plain.locator("bdi")).toHaveCSS("unicode-bidi", "isolate");
		const text = bidi.locator("p[dir=auto]");
		await expect(text).toHaveCSS("unicode-bidi", "isolate");
		await expect(text).toHaveCSS("overflow", "hidden");
		// Each row keeps the same left edge for its text as an ordinary row, and rows do not overlap.
		const box = async (l: typeof plain) => {
			const b = await l.locator("p[dir=auto]").boundingBox();
			if (!b) throw new Error("row not laid out");
			return b;
		};
		const [p, b, z, a] = [await box(plain), await box(bidi), await box(zalgo), await box(after)];
		expect(Math.abs(b.x - p.x)).toBeLessThanOrEqual(1);
		expect(Math.abs(z.x - p.x)).toBeLessThanOrEqual(1);
		expect(b.y + b.height).toBeLessThanOrEqual(z.y + 1);
		expect(z.y + z.height).toBeLessThanOrEqual(a.y + 1);
		// Stacked marks are clipped to the line box instead of growing the row without bound.
		expect(z.height).toBeLessThan(4 * p.height);
	});

	test("hostile Markdown stays inert: links only to http, https or mailto, no image, no script, no CSP violation", async ({
		browser,
	}) => {
		const room = freshRoom("mdxss");
		const page = await guestInRoom(browser, room);
		await page.addInitScript(() => {
			const w = window as unknown as { __violations: string[] };
			w.__violations = [];
			document.addEventListener("securitypolicyviolation", (e) => w.__violations.push(e.violatedDirective));
		});
		await page.reload();
		await expect(page.getByRole("textbox", { name: `Message #${room}` })).toBeVisible();
		const seed = await SeedClient.connect(room);
		await seed.send([...MARKDOWN, "the end"]);
		seed.close();
		const log = page.getByRole("log");
		await expect(messageRow(page, "the end")).toBeVisible();
		// Scroll the whole history through the list so every row has rendered once.
		await log.evaluate((el) => el.scrollTo(0, 0));
		await page.waitForTimeout(300);
		await log.evaluate((el) => el.scrollTo(0, el.scrollHeight));

		const hrefs = await log.locator("a").evaluateAll((links) =>
			links.map((a) => ({
				href: a.getAttribute("href") ?? "",
				rel: a.getAttribute("rel"),
				target: a.getAttribute("target"),
			})),
		);
		for (const link of hrefs) {
			expect(link.href).toMatch(/^(https?:|mailto:)/);
			expect(link.rel).toBe("noopener noreferrer nofollow");
			expect(link.target).toBe("_blank");
		}
		expect(await log.locator("img:not([alt=''])").count()).toBe(0);
		expect(await log.locator("script, iframe, object, embed, svg image").count()).toBe(0);
		expect(await log.locator("[onmouseover], [onerror]").count()).toBe(0);
		// The fenced script is shown as code, as typed.
		await expect(log.locator("pre code").filter({ hasText: "<script>window.__pwned=14</script>" })).toHaveCount(1);
		expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
		expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
	});
});
