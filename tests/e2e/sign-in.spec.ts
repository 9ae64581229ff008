import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/** The link in the newest mail the app sent to `email`, from the local mailbox of the test build. */
async function confirmationLink(page: Page, email: string): Promise<string> {
	let link: string | undefined;
	await expect
		.poll(async () => {
			const res = await page.request.get(`/api/dev/mailbox?to=${encodeURIComponent(email)}`);
			const { mails } = (await res.json()) as { mails: Array<{ text: string }> };
			link = mails.at(-1)?.text.match(/https?:\/\/\S+/)?.[0];
			return link;
		})
		.toBeTruthy();
	return link ?? "";
}

test.describe("signing in", () => {
	test("a visitor is sent to the sign-in page and can continue as a guest", async ({ page }) => {
		await page.goto("/");
		await expect(page).toHaveURL(/\/sign-in/);
		await expect(page.getByRole("heading", { name: "Sign in to Parlor" })).toBeVisible();

		await page.getByRole("button", { name: "Continue as guest" }).click();

		// Signed in, the app opens the default room.
		await expect(page).toHaveURL(/\/rooms\/general$/);
		await expect(page.getByRole("heading", { name: "general", exact: true })).toBeVisible();
		await expect(page.getByTestId("current-user")).toHaveText(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{1,2}$/);
		await expect(page.getByText("Guest", { exact: true })).toBeVisible();
	});

	test("a new user creates an email account, signs out, and signs back in", async ({ page }) => {
		const email = `e2e-${Date.now()}@example.com`;
		await page.goto("/sign-in");
		await expect(page.getByRole("heading", { name: "Sign in to Parlor" })).toBeVisible();
		await page.screenshot({ path: "readme_assets/screenshot-sign-in.png" });
		await page.getByRole("button", { name: "Create an account" }).click();
		await page.getByLabel("Name").fill("Ada Lovelace");
		await page.getByLabel("Email").fill(email);
		await page.getByLabel("Password").fill("analytical-engine");
		await page.getByRole("button", { name: "Create account" }).click();
		await expect(page.getByRole("status")).toContainText(`we sent a link to ${email}`);
		await expect(page.getByRole("heading", { name: "Sign in to Parlor" })).toBeVisible();

		// The link in the confirmation mail (the local mailbox in tests) signs the new account in.
		const link = await confirmationLink(page, email);
		await page.goto(link);
		await expect(page.getByTestId("current-user")).toHaveText("Ada Lovelace");
		await expect(page.getByRole("heading", { name: "general", exact: true })).toBeVisible();

		await page.getByRole("button", { name: "Sign out" }).click();
		await expect(page).toHaveURL(/\/sign-in/);
		await page.goto("/");
		await expect(page).toHaveURL(/\/sign-in/);

		await page.getByLabel("Email").fill(email);
		await page.getByLabel("Password").fill("analytical-engine");
		await page.getByRole("button", { name: "Sign in with email" }).click();
		await expect(page.getByTestId("current-user")).toHaveText("Ada Lovelace");
	});

	test("switching between signing in and creating an account changes the heading and clears the old error", async ({
		page,
	}) => {
		await page.goto("/sign-in");
		await page.getByLabel("Email").fill("nobody@example.com");
		await page.getByLabel("Password").fill("not-the-password");
		await page.getByRole("button", { name: "Sign in with email" }).click();
		await expect(page.getByRole("alert")).toBeVisible();
		await page.getByRole("button", { name: "Create an account" }).click();
		await expect(page.getByRole("heading", { name: "Create your Parlor account" })).toBeVisible();
		await expect(page.getByRole("alert")).toHaveCount(0);
	});

	test("an error code in the address is explained, never echoed", async ({ page }) => {
		await page.goto(`/sign-in?error=${encodeURIComponent("Call +1 555 0100 now <b>urgent</b>")}`);
		await expect(page.getByRole("alert")).toHaveText("Sign-in did not complete. Please try again.");
	});

	test("a wrong password shows a clear error and no session", async ({ page }) => {
		await page.goto("/sign-in");
		await page.getByLabel("Email").fill("nobody@example.com");
		await page.getByLabel("Password").fill("not-the-password");
		await page.getByRole("button", { name: "Sign in with email" }).click();
		await expect(page.getByRole("alert")).toContainText(/invalid email or password/i);
		await page.goto("/");
		await expect(page).toHaveURL(/\/sign-in/);
	});
});
