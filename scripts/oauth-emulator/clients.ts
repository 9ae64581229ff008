/**
 * The emulator's registered OAuth apps, one per provider. These are not secrets: they only ever
 * talk to the emulator on loopback. `emulatorVars` is what the Worker needs to use them.
 */
export const EMULATOR_CLIENTS = {
	github: { clientId: "parlor-local-github", clientSecret: "parlor-local-github-secret" },
	google: { clientId: "parlor-local-google.apps.googleusercontent.com", clientSecret: "parlor-local-google-secret" },
	twitter: { clientId: "parlor-local-x", clientSecret: "parlor-local-x-secret" },
} as const;

export type EmulatedProvider = keyof typeof EMULATOR_CLIENTS;

/** Default loopback ports: dev, end-to-end tests and workerd tests each run their own emulator. */
export const EMULATOR_PORTS = { dev: 5299, e2e: 5298, workers: 5297 } as const;

export function emulatorVars(url: string): Record<string, string> {
	return {
		OAUTH_EMULATOR_URL: url,
		GITHUB_CLIENT_ID: EMULATOR_CLIENTS.github.clientId,
		GITHUB_CLIENT_SECRET: EMULATOR_CLIENTS.github.clientSecret,
		GOOGLE_CLIENT_ID: EMULATOR_CLIENTS.google.clientId,
		GOOGLE_CLIENT_SECRET: EMULATOR_CLIENTS.google.clientSecret,
		TWITTER_CLIENT_ID: EMULATOR_CLIENTS.twitter.clientId,
		TWITTER_CLIENT_SECRET: EMULATOR_CLIENTS.twitter.clientSecret,
	};
}
