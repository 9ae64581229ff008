import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuthSession } from "../auth";
import { TestClient } from "../tests/workers/auth-client";
import { keepSession, reusedSession } from "./session-cache";

const CACHE_MS = 500; // SESSION_READ_CACHE_MS in vitest.workers.config.ts
const SESSION_COOKIE = "better-auth.session_token";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends a session in the store only, as a sign-out handled by another isolate does: this isolate's hooks never run. */
async function endSessionElsewhere(client: TestClient): Promise<void> {
	const token = decodeURIComponent(client.cookie(SESSION_COOKIE) ?? "").split(".")[0] ?? "";
	await env.DB.prepare('DELETE FROM "session" WHERE "token" = ?').bind(token).run();
	for (const { name } of (await env.SESSION_KV.list()).keys) {
		if (name === token || (await env.SESSION_KV.get(name))?.includes(token)) await env.SESSION_KV.delete(name);
	}
}

/** A guest whose session this isolate has read (and keeps), then ended elsewhere. */
async function readerWhoseSessionEndedElsewhere(): Promise<TestClient> {
	const client = new TestClient();
	await client.signInAsGuest();
	// Past the signed cookie cache, as any sign-in more than a minute old.
	client.dropCookie("better-auth.session_data");
	expect((await client.fetch("/api/rooms")).status).toBe(200);
	await endSessionElsewhere(client);
	return client;
}

describe("sessions reused by an isolate (SESSION_READ_CACHE_MS)", () => {
	it("a session ended through another isolate reads the API for at most SESSION_READ_CACHE_MS", async () => {
		const client = await readerWhoseSessionEndedElsewhere();
		const endedAt = Date.now();
		const soon = await client.fetch("/api/rooms");
		// Within the bound the reused read still answers (that is the saving); past it, never.
		if (Date.now() - endedAt < CACHE_MS) expect(soon.status).toBe(200);
		await sleep(CACHE_MS + 50);
		expect((await client.fetch("/api/rooms")).status).toBe(401);
	});

	it("a read that must ask the store (/api/me) sees the ended session at once, and stops its reuse", async () => {
		const client = await readerWhoseSessionEndedElsewhere();
		expect(await (await client.fetch("/api/me")).json()).toMatchObject({ user: null });
		expect((await client.fetch("/api/rooms")).status).toBe(401);
	});

	it("signing out through this isolate ends the session for every reused copy at once", async () => {
		const client = new TestClient();
		await client.signInAsGuest();
		// The same cookies on another device, which the sign-out cannot clear.
		const elsewhere = client.clone();
		elsewhere.dropCookie("better-auth.session_data");
		expect((await elsewhere.fetch("/api/rooms")).status).toBe(200);
		expect((await client.postJson("/api/auth/sign-out", {})).ok).toBe(true);
		expect((await elsewhere.fetch("/api/rooms")).status).toBe(401);
	});

	it("a reused session past its own expiry is refused, as the store would refuse it", () => {
		const now = Date.now();
		const found = {
			session: { id: "s1", expiresAt: new Date(now + 1_000) },
			user: { id: "u1" },
		} as unknown as AuthSession;
		keepSession("token.signature", found, 60_000, now);
		expect(reusedSession("token.signature", now + 500)).toBe(found);
		expect(reusedSession("token.signature", now + 1_001)).toBeUndefined();
		keepSession("token.signature", null, 60_000, now);
		expect(reusedSession("token.signature", now + 500)).toBeUndefined();
	});
});
