/**
 * Hostnames of this machine as a URL spells them. Local development (no public URL) trusts only
 * these, and the OAuth emulator may only ever run on one of them.
 */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);
