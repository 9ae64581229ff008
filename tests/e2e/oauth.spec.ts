import type { Page } from "@playwright/test";
import { EMULATOR_URL } from "../../playwright.config";
import { expect, test } from "./fixtures";

const PROVIDERS = [
	{ button: "Continue with GitHub", title: "GitHub", account: "Mona Octocat", path: "avatars/github/583231.svg" },
	{
		button: "Continue with Google",
		title: "Google",
		account: "Ada Lovelace",
		path: "avatars/google/108234567890123456789.svg",
	},
	{ button: "Continue with X", title: "X", account: "Grace Hopper", path: "avatars/twitter/1450000000000000001.svg" },
];

async function signInAt(page: Page, button: string, title: string, account: string) {
	await page.goto("/sign-in");
	await page.getByRole("button", { name: button }).click();
	// The provider's consent page, served by the local emulator.
	await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/`));
	await expect(page.getByRole("heading", { name: title, exact: true })).toBeVisible();
	await page.getByRole("radio", { name: new RegExp(`^${account}`) }).check();
	await page.getByRole("button", { name: "Authorize Parlor" }).click();
}

async function currentUserId(page: Page): Promise<string> {
	const res = await page.request.get("/api/me");
	expect(res.ok()).toBe(true);
	const body: { user: { id: string } } = await res.json();
	return body.user.id;
}

test.describe("signing in with an OAuth provider", () => {
	for (const provider of PROVIDERS) {
		test(`${provider.title}: consent at the provider, land signed in with name and avatar, and come back as the same user`, async ({
			page,
		}) => {
			await signInAt(page, provider.button, provider.title, provider.account);
			await expect(page.getByTestId("current-user")).toHaveText(provider.account);
			await expect(page.getByTestId("current-user")).toHaveText(provider.account);
			const avatar = page.getByRole("banner").locator(`img[src="${EMULATOR_URL}/${provider.path}"]`);
			await expect(avatar).toBeVisible();
			await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
			const firstId = await currentUserId(page);
			if (provider.title === "GitHub") await page.screenshot({ path: "readme_assets/screenshot-oauth-signed-in.png" });

			await page.getByRole("button", { name: "Sign out" }).click();
			await expect(page).toHaveURL(/\/sign-in/);

			await signInAt(page, provider.button, provider.title, provider.account);
			await expect(page.getByTestId("current-user")).toHaveText(provider.account);
			expect(await currentUserId(page)).toBe(firstId);
		});
	}

	test("cancelling at the provider returns to the sign-in page with a clear message", async ({ page }) => {
		await page.goto("/sign-in");
		await page.getByRole("button", { name: "Continue with GitHub" }).click();
		await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/`));
		await page.getByRole("button", { name: "Cancel" }).click();
		await expect(page).toHaveURL(/\/sign-in\?error=access_denied/);
		await expect(page.getByRole("alert")).toHaveText(/cancelled at the provider/);
		expect(await (await page.request.get("/api/me")).json()).toMatchObject({ user: null });
	});
});
