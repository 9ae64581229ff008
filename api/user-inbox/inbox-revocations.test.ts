import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../tests/workers/auth-client";
import { DAY_MS } from "../config";
import worker from "../index";
import { CLOSE_SESSION_ENDED } from "../protocol/room-protocol";
import { type EndedSession, inboxSessionEnded, retryInboxRevocations } from "./inbox-revocations";

const pending = async (sessionId: string) =>
	(
		await env.DB.prepare("SELECT COUNT(*) AS n FROM inbox_revocation WHERE sessionId = ?")
			.bind(sessionId)
			.first<{ n: number }>()
	)?.n ?? 0;

const unreachable = async () => {
	throw new Error("inbox unreachable");
};

/** A sidebar socket, and the close code it will get (wrapped: an async function would wait for it). */
async function sidebarSocket(client: TestClient): Promise<{ closed: Promise<number> }> {
	const res = await client.fetch("/api/inbox", { headers: { Upgrade: "websocket", Origin: client.origin } });
	const ws = res.webSocket;
	if (res.status !== 101 || !ws) throw new Error(`upgrade refused: ${res.status}`);
	const closed = new Promise<number>((resolve) => ws.addEventListener("close", (event) => resolve(event.code)));
	ws.accept();
	return { closed };
}

describe("an ended session the inbox could not hear of", () => {
	it("is kept on record, and the hourly maintenance closes that session's sidebar socket", async () => {
		const client = new TestClient();
		const user = await client.signInAsGuest();
		const { closed } = await sidebarSocket(client);
		const { session } = await (await client.fetch("/api/auth/get-session")).json<{ session: { id: string } }>();
		const ended: EndedSession = { sessionId: session.id, userId: user.id, expiresAt: Date.now() + DAY_MS };

		await inboxSessionEnded(env, ended, unreachable);
		expect(await pending(session.id)).toBe(1);

		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env, ctx);
		await waitOnExecutionContext(ctx);
		expect(await closed).toBe(CLOSE_SESSION_ENDED);
		expect(await pending(session.id)).toBe(0);
	});

	it("stays on record while the inbox is still unreachable, and is forgotten once the session would have expired", async () => {
		const now = Date.now();
		const ended: EndedSession = { sessionId: crypto.randomUUID(), userId: "nobody", expiresAt: now + DAY_MS };
		await inboxSessionEnded(env, ended, unreachable);
		expect(await retryInboxRevocations(env, now, unreachable)).toBe(0);
		expect(await pending(ended.sessionId)).toBe(1);
		let told = 0;
		const counting = async () => {
			told++;
			return 0;
		};
		expect(await retryInboxRevocations(env, now + DAY_MS + 1, counting)).toBe(0);
		expect(told).toBe(0);
		expect(await pending(ended.sessionId)).toBe(0);
	});
});
