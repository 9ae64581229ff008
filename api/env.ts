import type { AuthSession } from "../auth";
import type { SettingName } from "./config";
import type { RoomAccess } from "./rooms/room-directory";

/** The signed-in user as the Worker verified it; the only identity the rest of the app trusts. */
export type SessionUser = AuthSession["user"];

/**
 * The Worker's Hono environment. Routes that need a user get it from `requireSession`
 * (middleware/session.ts), whose type makes `c.var.user` present: there is no nullable user to check.
 */
export type AppEnv = {
	Bindings: Env;
	Variables: {
		/** Canonical room id, set by the roomIdParam middleware. */
		roomId: string;
		/** The room and the user's membership, set by the roomAccess middleware. */
		room: RoomAccess;
	};
};

/** Optional secrets (`.dev.vars` locally, `wrangler secret put` in production); absent means off. */
interface OptionalSecrets {
	GITHUB_CLIENT_ID?: string;
	GITHUB_CLIENT_SECRET?: string;
	GOOGLE_CLIENT_ID?: string;
	GOOGLE_CLIENT_SECRET?: string;
	TWITTER_CLIENT_ID?: string;
	TWITTER_CLIENT_SECRET?: string;
	/** Development and tests only: route OAuth to the local emulator (api/dev-tools/emulator-routing.ts). */
	OAUTH_EMULATOR_URL?: string;
	/** Mail for email verification and password reset goes through Resend when both are set (api/mail). */
	RESEND_API_KEY?: string;
	MAIL_FROM?: string;
}

/** Settings from `vars`; each has its default in api/config.ts. */
type OptionalVars = { [K in SettingName]?: string };

declare global {
	interface Env extends OptionalSecrets, OptionalVars {}
	namespace Cloudflare {
		interface Env extends OptionalSecrets, OptionalVars {}
	}
}
