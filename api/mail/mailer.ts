import { DEV_TOOLS } from "../dev-tools/flag";
import { deliverLocally } from "../dev-tools/local-mailbox";

export type Mail = { to: string; subject: string; text: string };
export type SendMail = (mail: Mail) => Promise<void>;

/**
 * How the app sends mail (email verification, password reset), or null when it cannot:
 * - in production, through Resend's HTTP API when `RESEND_API_KEY` and `MAIL_FROM` are set;
 * - in development and tests, into the local mailbox (KV and the terminal).
 * With neither, email sign-up is off: an address that cannot be verified cannot be registered.
 */
export function mailer(env: Env): SendMail | null {
	const key = env.RESEND_API_KEY?.trim();
	const from = env.MAIL_FROM?.trim();
	if (key && from) return (mail) => sendWithResend(key, from, mail);
	if (DEV_TOOLS && !env.BETTER_AUTH_URL.trim().startsWith("https:"))
		return (mail) => deliverLocally(env.SESSION_KV, mail);
	return null;
}

async function sendWithResend(apiKey: string, from: string, mail: Mail): Promise<void> {
	const res = await fetch("https://api.resend.com/emails", {
		method: "POST",
		headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
		body: JSON.stringify({ from, to: [mail.to], subject: mail.subject, text: mail.text }),
	});
	if (!res.ok) throw new Error(`mail not sent: Resend answered ${res.status} ${await res.text()}`);
}
