import type { AuthSession } from "../auth";
import type { RoomAccess } from "./rooms/room-directory";

/** The signed-in user as the Worker verified it; the only identity the rest of the app trusts. */
export type SessionUser = AuthSession["user"];

export type AppEnv = {
	Bindings: Env;
	Variables: {
		user: SessionUser | null;
		session: AuthSession["session"] | null;
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
	/** Development and tests only: route OAuth to the local emulator (api/oauth/emulator-routing.ts). */
	OAUTH_EMULATOR_URL?: string;
}

declare global {
	interface Env extends OptionalSecrets {}
	namespace Cloudflare {
		interface Env extends OptionalSecrets {}
	}
}
