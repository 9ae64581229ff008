import { exports } from "cloudflare:workers";

/** A cookie jar over the real worker, so tests sign in the way a browser does. */
export class TestClient {
	private cookies = new Map<string, string>();
	private static ipCounter = 0;
	// Better Auth rate-limits sign-in per IP; each test client looks like its own machine unless told.
	readonly ip: string;

	constructor(
		readonly origin = "http://localhost:5173",
		ip?: string,
	) {
		this.ip = ip ?? `10.0.${Math.floor(TestClient.ipCounter / 250)}.${(TestClient.ipCounter++ % 250) + 1}`;
	}

	async fetch(path: string, init: RequestInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		headers.set("cf-connecting-ip", this.ip);
		if (!headers.has("origin") && init.method && init.method !== "GET") headers.set("origin", this.origin);
		const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
		if (cookie) headers.set("cookie", cookie);
		const res = await exports.default.fetch(new Request(new URL(path, this.origin), { ...init, headers }));
		for (const line of res.headers.getSetCookie()) {
			const [pair = ""] = line.split(";");
			const eq = pair.indexOf("=");
			const name = pair.slice(0, eq);
			const value = pair.slice(eq + 1);
			if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
		return res;
	}

	postJson(path: string, body: unknown): Promise<Response> {
		return this.fetch(path, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(body),
		});
	}

	async signInAsGuest(): Promise<{ id: string; name: string }> {
		const res = await this.postJson("/api/auth/sign-in/anonymous", {});
		if (!res.ok) throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
		const body: { user: { id: string; name: string } } = await res.json();
		return body.user;
	}

	/** The mail the app sent to `to`, read from the local mailbox (development and tests only). */
	async mailbox(to: string): Promise<Array<{ subject: string; text: string }>> {
		const res = await this.fetch(`/api/dev/mailbox?to=${encodeURIComponent(to)}`);
		if (!res.ok) throw new Error(`mailbox: ${res.status} ${await res.text()}`);
		return ((await res.json()) as { mails: Array<{ subject: string; text: string }> }).mails;
	}

	/** The first link in the newest mail to `to` whose subject matches. */
	async linkFromMail(to: string, subject: RegExp): Promise<string> {
		const mail = (await this.mailbox(to)).filter((m) => subject.test(m.subject)).at(-1);
		const link = mail?.text.match(/https?:\/\/\S+/)?.[0];
		if (!link) throw new Error(`no mail matching ${subject} to ${to}`);
		return link;
	}

	/** Signs up with email as a person would: the form, then the link in the confirmation mail. */
	async signUpVerified(email: string, password: string, name: string): Promise<{ id: string; name: string }> {
		const res = await this.postJson("/api/auth/sign-up/email", { email, password, name, callbackURL: "/" });
		if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
		const link = await this.linkFromMail(email, /Confirm your email/);
		const verified = await this.fetch(link, { redirect: "manual" });
		if (verified.status !== 302) throw new Error(`verification failed: ${verified.status} ${await verified.text()}`);
		const me = (await (await this.fetch("/api/me")).json()) as { user: { id: string; name: string } | null };
		if (!me.user) throw new Error("not signed in after verifying");
		return me.user;
	}

	/** The `cookie` header this client sends. */
	cookieHeader(): string {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
	}

	/** Another client with a copy of this one's cookies, as if they had been stolen mid-flow. */
	clone(): TestClient {
		const copy = new TestClient(this.origin);
		for (const [name, value] of this.cookies) copy.cookies.set(name, value);
		return copy;
	}

	hasCookie(name: string): boolean {
		return this.cookies.has(name);
	}

	cookie(name: string): string | undefined {
		return this.cookies.get(name);
	}

	/** Sets a cookie as an attacker would: by hand, with whatever value they like. */
	setCookie(name: string, value: string): void {
		this.cookies.set(name, value);
	}

	dropCookie(name: string): void {
		this.cookies.delete(name);
	}
}
