import { betterAuth, type SecondaryStorage } from "better-auth";
import { anonymous } from "better-auth/plugins";
import { guestName } from "./api/guest-names";
import { socialProviders } from "./api/oauth/providers";
import { closeSessionSockets } from "./api/session-sockets";

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
export const LOCAL_HOSTS = ["localhost:*", "127.0.0.1:*", "[::1]:*"];

function buildAuth(env: Env) {
	const publicUrl = env.BETTER_AUTH_URL.trim();
	return betterAuth({
		appName: "Parlor",
		secret: env.BETTER_AUTH_SECRET,
		baseURL: publicUrl || { allowedHosts: LOCAL_HOSTS, protocol: "http" },
		socialProviders: socialProviders(env),
		account: {
			// Implicit linking by email only when the provider says the email is verified and the
			// local account verified it too; otherwise a stranger could claim an account by email.
			accountLinking: { enabled: true, trustedProviders: [], requireLocalEmailVerified: true },
		},
		// OAuth errors (denied consent, bad state) land on the sign-in page as `?error=<code>`.
		onAPIError: { errorURL: "/sign-in" },
		database: env.DB,
		secondaryStorage: kvSecondaryStorage(env.SESSION_KV),
		session: {
			storeSessionInDatabase: true,
			// A signed cookie spares a KV read per request; 60 s bounds how long a revoked
			// session can still pass cookie-only checks (the socket upgrade never uses it).
			cookieCache: { enabled: true, maxAge: 60 },
		},
		verification: { storeInDatabase: true },
		rateLimit: { enabled: true, storage: "database" },
		emailAndPassword: { enabled: true, minPasswordLength: 8 },
		// A guest who signs in with a provider becomes that account; the guest user is deleted and
		// the messages it sent stay in history under its guest name (see README, Authentication).
		plugins: [anonymous({ generateName: () => guestName() })],
		databaseHooks: {
			session: {
				delete: {
					// Sign-out, revocation or a deleted user: that session's sockets close at once.
					after: async (session) => {
						await closeSessionSockets(env, session.id);
					},
				},
			},
		},
		advanced: {
			ipAddress: { ipAddressHeaders: ["cf-connecting-ip"] },
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
