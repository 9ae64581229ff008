import { getDb } from "../db";
import { inboxStub } from "./inbox-stub";

/** An ended session, as the inbox is told of it. */
export type EndedSession = { sessionId: string; userId: string; expiresAt: number };

/** Revocations retried per maintenance run, so one run stays well inside its limits. */
const RETRY_LIMIT = 50;

const tellInbox = (env: Env, ended: EndedSession) =>
	inboxStub(env, ended.userId).revokeSession(ended.sessionId, ended.expiresAt);

/**
 * Tells the user's inbox that a session ended, so that session's sidebar sockets close and it
 * hears nothing more of the user's rooms. A sign-out never fails because of it: an inbox that
 * cannot be reached is put on record, and the hourly maintenance tells it again.
 */
export async function inboxSessionEnded(env: Env, ended: EndedSession, tell = tellInbox): Promise<void> {
	try {
		await tell(env, ended);
	} catch (error) {
		console.warn("inbox not told of the ended session; kept for the hourly retry", error);
		await getDb(env.DB)
			.insertInto("inbox_revocation")
			.values(ended)
			.onConflict((oc) => oc.column("sessionId").doNothing())
			.execute()
			.catch((recordError: unknown) => console.error("inbox revocation not recorded", recordError));
	}
}

/** Tells inboxes again of sessions that ended while they could not be reached; forgets expired ones. */
export async function retryInboxRevocations(env: Env, now = Date.now(), tell = tellInbox): Promise<number> {
	const db = getDb(env.DB);
	await db.deleteFrom("inbox_revocation").where("expiresAt", "<=", now).execute();
	const pending = await db.selectFrom("inbox_revocation").selectAll().limit(RETRY_LIMIT).execute();
	let told = 0;
	for (const ended of pending) {
		try {
			await tell(env, ended);
			await db.deleteFrom("inbox_revocation").where("sessionId", "=", ended.sessionId).execute();
			told++;
		} catch (error) {
			console.warn("inbox still not told of the ended session", error);
		}
	}
	return told;
}
