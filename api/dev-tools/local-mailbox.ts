import { DAY_MS } from "../config";
import type { Mail } from "../mail/mailer";

/** Local mail is kept this long (KV's minimum TTL is 60 s; a day is plenty for a test or a dev run). */
const TTL_SECONDS = DAY_MS / 1000;
const PREFIX = "dev-mail:";

export type StoredMail = Mail & { sentAt: number };

/**
 * Development and tests only: mail "sent" by the app lands in KV and in the terminal, where a
 * developer (or a test) reads it. Nothing leaves the machine.
 */
export async function deliverLocally(kv: KVNamespace, mail: Mail): Promise<void> {
	const sentAt = Date.now();
	const key = `${PREFIX}${mail.to.toLowerCase()}:${sentAt}:${crypto.randomUUID()}`;
	await kv.put(key, JSON.stringify({ ...mail, sentAt } satisfies StoredMail), { expirationTtl: TTL_SECONDS });
	console.log(`[local mailbox] to ${mail.to}: ${mail.subject}\n${mail.text}`);
}

/** The mail sent to `to`, oldest first. */
export async function readMailbox(kv: KVNamespace, to: string): Promise<StoredMail[]> {
	const listed = await kv.list({ prefix: `${PREFIX}${to.toLowerCase()}:` });
	const mails = await Promise.all(listed.keys.map((k) => kv.get<StoredMail>(k.name, "json")));
	return mails.filter((m): m is StoredMail => m !== null).sort((a, b) => a.sentAt - b.sentAt);
}
