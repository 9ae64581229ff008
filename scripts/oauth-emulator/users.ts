import type { EmulatedProvider } from "./clients.ts";

/** A person who can sign in at the emulator's consent page. */
export type EmulatorUser = {
	/** The provider's stable account id (GitHub: numeric; Google `sub`; X user id). */
	id: string;
	login: string;
	name: string;
	/** null: the account has no email the app may see (X users often do not). */
	email: string | null;
	emailVerified: boolean;
	/** Background colour of the generated avatar. */
	color: string;
};

export const EMULATOR_USERS: Record<EmulatedProvider, EmulatorUser[]> = {
	github: [
		{
			id: "583231",
			login: "octocat",
			name: "Mona Octocat",
			email: "mona@octo.example",
			emailVerified: true,
			color: "#6e40c9",
		},
		{
			id: "1024025",
			login: "hubot",
			name: "Hubot Robot",
			email: "hubot@octo.example",
			emailVerified: false,
			color: "#2da44e",
		},
	],
	google: [
		{
			id: "108234567890123456789",
			login: "ada",
			name: "Ada Lovelace",
			email: "ada@gmail.example",
			emailVerified: true,
			color: "#1a73e8",
		},
		{
			id: "108987654321098765432",
			login: "alan",
			name: "Alan Turing",
			email: "alan@gmail.example",
			emailVerified: true,
			color: "#d93025",
		},
	],
	twitter: [
		{
			id: "1450000000000000001",
			login: "grace_h",
			name: "Grace Hopper",
			email: "grace@x.example",
			emailVerified: true,
			color: "#0f1419",
		},
		{
			id: "1450000000000000002",
			login: "no_email_nell",
			name: "Nell Noemail",
			email: null,
			emailVerified: false,
			color: "#536471",
		},
	],
};

export function findUser(provider: EmulatedProvider, id: string): EmulatorUser | undefined {
	return EMULATOR_USERS[provider].find((u) => u.id === id);
}

/** A small SVG avatar with the user's initials, so avatars work with no internet. */
export function avatarSvg(user: EmulatorUser): string {
	const initials = user.name
		.split(/\s+/)
		.map((part) => part[0] ?? "")
		.join("")
		.slice(0, 2)
		.toUpperCase();
	return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><rect width="96" height="96" rx="48" fill="${user.color}"/><text x="48" y="60" font-family="sans-serif" font-size="38" font-weight="700" fill="#fff" text-anchor="middle">${initials}</text></svg>`;
}
