import type { AuthSession } from "../auth";

/** The signed-in user as the Worker verified it; the only identity the rest of the app trusts. */
export type SessionUser = AuthSession["user"];

export type AppEnv = {
	Bindings: Env;
	Variables: {
		user: SessionUser | null;
		session: AuthSession["session"] | null;
		/** Canonical room id, set by the roomIdParam middleware. */
		roomId: string;
	};
};
