import { betterAuth, type SecondaryStorage } from "better-auth";
import { anonymous } from "better-auth/plugins";
import { afterAccountCreated, afterUserUpdated, profileRules } from "./api/account-rules";
import { settings } from "./api/config";
import { guestName } from "./api/guest-names";
import { mailer } from "./api/mail/mailer";
import { socialProviders } from "./api/oauth/providers";
import { LOOPBACK_HOSTS } from "./api/protocol/loopback";
import { joinDefaultRoom } from "./api/rooms/default-room";
import { forgetSessions } from "./api/session-cache";
import { revokeSession } from "./api/session-sockets";
import { inboxSessionEnded } from "./api/user-inbox/inbox-revocations";

// KV rejects TTLs below 60 seconds.
const KV_MIN_TTL_SECONDS = 60;

/**
 * KV as Better Auth's secondary storage: sessions are read from the edge cache and fall back to
 * D1 (`storeSessionInDatabase`). KV has no atomic read-and-delete or increment, so OAuth state
 * (`verification`) and rate limits are kept in D1 instead, and the two operations below are only
 * best-effort fallbacks that this configuration never relies on.
 */
function kvSecondaryStorage(kv: KVNamespace): SecondaryStorage {
	const ttlOption = (ttl?: number) =>
		ttl ? { expirationTtl: Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttl)) } : undefined;
	return {
		get: (key) => kv.get(key),
		set: (key, value, ttl) => kv.put(key, value, ttlOption(ttl)),
		delete: (key) => kv.delete(key),
		async getAndDelete(key) {
			const value = await kv.get(key);
			if (value !== null) await kv.delete(key);
			return value;
		},
		async increment(key, ttl) {
			const next = Number((await kv.get(key)) ?? 0) + 1;
			await kv.put(key, String(next), ttlOption(ttl));
			return next;
		},
	};
}

/** Hosts Better Auth accepts when BETTER_AUTH_URL is empty (local development only). */
const LOCAL_HOSTS = [...LOOPBACK_HOSTS].map((host) => `${host}:*`);

function buildAuth(env: Env) {
	const publicUrl = env.BETTER_AUTH_URL.trim();
	const sendMail = mailer(env);
	const profiles = profileRules(env);
	return betterAuth({
		appName: "Parlor",
		secret: env.BETTER_AUTH_SECRET,
		baseURL: publicUrl || { allowedHosts: LOCAL_HOSTS, protocol: "http" },
		socialProviders: socialProviders(env),
		account: {
			// Implicit linking only on an address the provider verified. An existing account whose
			// address nobody verified is taken over by the provider (takeOverUnverifiedAccount), so
			// registering someone's address with a password can never lock its owner out.
			// A guest keeps their account by linking a provider (`/link-social`): the guest's address is a
			// placeholder, so the provider's may differ, and the account takes the provider's name and picture.
			accountLinking: {
				enabled: true,
				trustedProviders: [],
				requireLocalEmailVerified: false,
				allowDifferentEmails: true,
				updateUserInfoOnLink: true,
			},
		},
		// OAuth errors (denied consent, bad state) land on the sign-in page as `?error=<code>`.
		onAPIError: { errorURL: "/sign-in" },
		database: env.DB,
		secondaryStorage: kvSecondaryStorage(env.SESSION_KV),
		session: {
			storeSessionInDatabase: true,
			// Serves Better Auth's own endpoints only: the app's routes read the store, and reuse that
			// read in the isolate for SESSION_READ_CACHE_MS (api/session-cache.ts).
			cookieCache: { enabled: true, maxAge: 60 },
		},
		verification: { storeInDatabase: true },
		rateLimit: {
			enabled: true,
			storage: "database",
			// Guests cost others (names, rooms, sockets): a bounded number per address (IPv6 per /64).
			customRules: {
				"/sign-in/anonymous": { window: 3600, max: Math.floor(settings(env).GUEST_SIGNINS_PER_IP_PER_HOUR) },
			},
		},
		emailAndPassword: {
			enabled: true,
			minPasswordLength: 8,
			// An address counts only once its owner clicked the link. This also makes sign-up answer
			// the same whether or not the address is taken, so it cannot be used to find accounts.
			requireEmailVerification: true,
			disableSignUp: sendMail === null,
			revokeSessionsOnPasswordReset: true,
			...(sendMail
				? {
						sendResetPassword: async ({ user, url }) =>
							sendMail({
								to: user.email,
								subject: "Reset your Parlor password",
								text: `Someone asked to reset the password of your Parlor account.\n\nChoose a new one here (the link works for an hour):\n${url}\n\nIf it was not you, ignore this message.`,
							}),
					}
				: {}),
		},
		...(sendMail
			? {
					emailVerification: {
						sendOnSignUp: true,
						sendOnSignIn: true,
						autoSignInAfterVerification: true,
						sendVerificationEmail: async ({ user, url }) =>
							sendMail({
								to: user.email,
								subject: "Confirm your email for Parlor",
								text: `Welcome to Parlor, ${user.name}.\n\nConfirm your address to finish signing up (the link works for an hour):\n${url}\n\nIf you did not sign up, ignore this message.`,
							}),
					},
				}
			: {}),
		// A guest who signs in with a provider becomes that account; the guest user is deleted and
		// the messages it sent stay in history under its guest name (see README, Authentication).
		plugins: [anonymous({ generateName: () => guestName() })],
		databaseHooks: {
			user: {
				create: {
					before: profiles.beforeCreate,
					// Every newcomer lands in #general as one of its members.
					after: async (user) => joinDefaultRoom(env, user.id),
				},
				update: {
					before: profiles.beforeUpdate,
					after: async (user, ctx) => {
						// This isolate's reused sessions carry the user as they were (session-cache.ts).
						forgetSessions({ userId: user.id });
						await afterUserUpdated(user, ctx);
					},
				},
			},
			account: {
				create: { after: afterAccountCreated },
			},
			session: {
				delete: {
					// Sign-out, revocation or a deleted user: recorded, and that session's sockets close at once.
					after: async (session) => {
						forgetSessions({ sessionId: session.id });
						const expiresAt = new Date(session.expiresAt).getTime();
						await revokeSession(env, session.id, expiresAt);
						// The sidebar's socket too (retried hourly if its inbox cannot be reached now).
						await inboxSessionEnded(env, { sessionId: session.id, userId: session.userId, expiresAt });
					},
				},
			},
		},
		advanced: {
			ipAddress: { ipAddressHeaders: ["cf-connecting-ip"], ipv6Subnet: 64 },
			useSecureCookies: publicUrl.startsWith("https://"),
		},
	});
}

export type Auth = ReturnType<typeof buildAuth>;
export type AuthSession = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>;

// Bindings objects are stable for the life of an isolate, so one Better Auth instance per env
// saves rebuilding its endpoint table (~5 ms) on every request.
const instances = new WeakMap<Env, Auth>();

export function getAuth(env: Env): Auth {
	let auth = instances.get(env);
	if (!auth) {
		auth = buildAuth(env);
		instances.set(env, auth);
	}
	return auth;
}
