import type { Context } from "hono";
import type { EmulatedProvider } from "./clients.ts";

/** A form-encoded body as plain strings (token endpoints take `application/x-www-form-urlencoded`). */
export async function formFields(c: Context): Promise<Record<string, string | undefined>> {
	const body = await c.req.parseBody();
	const fields: Record<string, string | undefined> = {};
	for (const [key, value] of Object.entries(body)) if (typeof value === "string") fields[key] = value;
	return fields;
}

export function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
	const match = header?.match(/^Basic\s+(\S+)$/i);
	if (!match?.[1]) return null;
	const decoded = Buffer.from(match[1], "base64").toString("utf8");
	const colon = decoded.indexOf(":");
	if (colon < 0) return null;
	return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

/** Avatars are served by the emulator itself, at the origin the caller reached it on. */
export function avatarUrl(c: Context, provider: EmulatedProvider, userId: string): string {
	return `${new URL(c.req.url).origin}/avatars/${provider}/${userId}.svg`;
}
