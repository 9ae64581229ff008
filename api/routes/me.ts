import { Hono } from "hono";
import { type AuthSession, getAuth } from "../../auth";
import { isPlaceholderEmail } from "../account-rules";
import { getDb } from "../db";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { mailer } from "../mail/mailer";
import { findSession, requireFreshSession } from "../middleware/session";
import { validate } from "../middleware/validate";
import { ClaimEmailBodySchema, type MeResponse } from "../protocol/http-api";

const CHECK_INBOX = "Check your inbox: open the link we sent to confirm the address and keep your account.";

/** What `GET /api/me` answers for a session (or none): also embedded in the first page (first-screen.ts). */
export async function describeMe(env: Env, found: AuthSession | null): Promise<MeResponse> {
	if (!found) return { user: null, signInMethods: [] };
	const user = found.user;
	const accounts = await getDb(env.DB)
		.selectFrom("account")
		.select("providerId")
		.where("userId", "=", user.id)
		.execute();
	const isGuest = user.isAnonymous === true;
	const placeholder = isPlaceholderEmail(user.email);
	return {
		user: {
			id: user.id,
			name: user.name,
			// Guests and X accounts without an email get a placeholder address (RFC 6761 `.invalid`).
			email: isGuest || placeholder ? null : user.email,
			image: user.image ?? null,
			isGuest,
			pendingEmail: isGuest && !placeholder ? user.email : null,
		},
		signInMethods: accounts.map((a) => a.providerId),
	};
}

export const meRoutes = new Hono<AppEnv>()
	/**
	 * `GET /api/me`: the signed-in user, or `user: null`. Asks the session store, not the cookie
	 * cache: the client asks this to learn whether a closed socket's session really ended.
	 */
	.get("/", async (c) => c.json(await describeMe(c.env, await findSession(c.env, c.req.raw, true))))
	/**
	 * `POST /api/me/email`: a guest keeps their account (its rooms, and the messages it sent, which
	 * stay its own) by giving it an address and a password. The address counts once confirmed from
	 * the mail; until then the account stays a guest. The answer is the same whether or not the
	 * address already has an account (its owner gets a note instead), so this finds nobody out.
	 */
	.post("/email", requireFreshSession, validate("json", ClaimEmailBodySchema), async (c) => {
		const user = c.var.user;
		if (user.isAnonymous !== true) return jsonError(c, 400, "not_guest", "This account already has a sign-in.");
		const sendMail = mailer(c.env);
		if (!sendMail) return jsonError(c, 503, "mail_off", "New email accounts are not available on this server.");
		const { email, password } = c.req.valid("json");
		const auth = getAuth(c.env);
		const context = await auth.$context;
		const existing = await context.internalAdapter.findUserByEmail(email);
		if (existing && existing.user.id !== user.id) {
			await sendMail({
				to: email,
				subject: "Someone tried to use your address on Parlor",
				text: "A guest on Parlor tried to keep their account under this address, which already has an account.\n\nIf it was you, sign in with your account instead. If not, you can ignore this message.",
			});
			return c.json({ status: CHECK_INBOX }, 202);
		}
		const hash = await context.password.hash(password);
		const accounts = await context.internalAdapter.findAccounts(user.id);
		const credential = accounts.find((a) => a.providerId === "credential");
		if (credential) await context.internalAdapter.updateAccount(credential.id, { password: hash });
		else
			await context.internalAdapter.createAccount({
				userId: user.id,
				providerId: "credential",
				accountId: user.id,
				password: hash,
			});
		await context.internalAdapter.updateUser(user.id, { email, emailVerified: false });
		// Asked as a visitor with no session (only the request's address, for the links): with the
		// guest's session, Better Auth would compare the address to the session's placeholder.
		await auth.api.sendVerificationEmail({
			body: { email, callbackURL: "/" },
			headers: new Headers(),
			request: new Request(c.req.url),
		});
		return c.json({ status: CHECK_INBOX }, 202);
	});
