import type { SocialProviders } from "better-auth";
import type { SignInProvider } from "../protocol/http-api";

type Credentials = { clientId: string; clientSecret: string };

function credentials(id: string | undefined, secret: string | undefined): Credentials | null {
	const clientId = id?.trim();
	const clientSecret = secret?.trim();
	return clientId && clientSecret ? { clientId, clientSecret } : null;
}

/**
 * Better Auth's built-in GitHub, Google and X providers, each present only when both its client
 * id and secret are set: a half-configured provider would show a button that cannot work.
 */
export function socialProviders(env: Env): SocialProviders {
	const github = credentials(env.GITHUB_CLIENT_ID, env.GITHUB_CLIENT_SECRET);
	const google = credentials(env.GOOGLE_CLIENT_ID, env.GOOGLE_CLIENT_SECRET);
	const twitter = credentials(env.TWITTER_CLIENT_ID, env.TWITTER_CLIENT_SECRET);
	return {
		...(github ? { github } : {}),
		// `select_account` lets someone with several Google accounts pick one instead of being signed in silently.
		...(google ? { google: { ...google, prompt: "select_account" } } : {}),
		...(twitter ? { twitter } : {}),
	};
}

const PROVIDER_NAMES: Record<SignInProvider["id"], string> = {
	github: "GitHub",
	google: "Google",
	twitter: "X",
};

/** The providers the sign-in page offers, in a stable order. */
export function enabledProviders(env: Env): SignInProvider[] {
	const configured = socialProviders(env);
	return (["github", "google", "twitter"] as const)
		.filter((id) => configured[id] !== undefined)
		.map((id) => ({ id, name: PROVIDER_NAMES[id] }));
}
