import type { TestClient } from "./auth-client";

export type Provider = "github" | "google" | "twitter";

/** The provider's consent page, as the browser would load it after `POST /sign-in/social`. */
export async function startSignIn(
	client: TestClient,
	provider: Provider,
	callbackURL = "/",
): Promise<{ authorizeUrl: string; requestId: string }> {
	const res = await client.postJson("/api/auth/sign-in/social", {
		provider,
		callbackURL,
		errorCallbackURL: "/sign-in",
	});
	if (!res.ok) throw new Error(`sign-in/social failed: ${res.status} ${await res.text()}`);
	const { url }: { url: string } = await res.json();
	const page = await fetch(url);
	const html = await page.text();
	const requestId = html.match(/name="request" value="([^"]+)"/)?.[1];
	if (!page.ok || !requestId) throw new Error(`no consent page at ${url}: ${page.status} ${html.slice(0, 200)}`);
	return { authorizeUrl: url, requestId };
}

/** Submits the consent form and returns where the emulator redirects the browser (the app's callback). */
export async function decide(
	authorizeUrl: string,
	requestId: string,
	decision: "allow" | "deny",
	userId = "",
): Promise<URL> {
	const res = await fetch(authorizeUrl.split("?")[0] ?? authorizeUrl, {
		method: "POST",
		body: new URLSearchParams({ request: requestId, decision, user: userId }),
		redirect: "manual",
	});
	const location = res.headers.get("location");
	if (res.status !== 302 || !location) throw new Error(`consent did not redirect: ${res.status} ${await res.text()}`);
	return new URL(location);
}

/** Follows the callback in the app with the client's cookies; returns the app's redirect. */
export async function finishSignIn(client: TestClient, callback: URL): Promise<{ status: number; location: string }> {
	const res = await client.fetch(`${callback.pathname}${callback.search}`, { redirect: "manual" });
	return { status: res.status, location: res.headers.get("location") ?? "" };
}

/** The whole redirect dance: sign-in request, consent as `userId`, callback. */
export async function signInWith(client: TestClient, provider: Provider, userId: string) {
	const { authorizeUrl, requestId } = await startSignIn(client, provider);
	const callback = await decide(authorizeUrl, requestId, "allow", userId);
	return { callback, ...(await finishSignIn(client, callback)) };
}
