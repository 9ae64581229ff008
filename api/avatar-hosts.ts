import { AVATAR_ORIGINS } from "./security-headers";

/** Longest avatar URL kept (attachments and rows stay small). */
export const MAX_IMAGE_URL = 512;

/**
 * The avatar URL if it comes from an OAuth provider's avatar host (AVATAR_ORIGINS, which the
 * page's policy also allows), else null. A user cannot point their picture anywhere else: a
 * tracking pixel, a huge file, a local address. `extraOrigin` is the local OAuth emulator in development.
 */
export function allowedAvatar(url: string | null | undefined, extraOrigin?: string | null): string | null {
	if (!url || url.length > MAX_IMAGE_URL) return null;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return null;
	}
	const origins: readonly string[] = AVATAR_ORIGINS;
	if (origins.includes(parsed.origin) || (extraOrigin && parsed.origin === extraOrigin)) return parsed.href;
	return null;
}
