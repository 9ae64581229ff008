/**
 * Every tunable the app reads from `vars`, with its default: the one place defaults live.
 * `wrangler.jsonc` sets none of these (a deploy overrides only what it changes), the test
 * configs pin only what a test depends on, and the README's configuration table lists them.
 */
export const SETTINGS = {
	/** Messages kept per room, newest first. */
	MESSAGE_RETENTION_COUNT: 10_000,
	/** Messages older than this many days are pruned. */
	MESSAGE_RETENTION_DAYS: 30,
	/** Sends one user may make in a burst, per room, across all their tabs. */
	MESSAGE_RATE_LIMIT_BURST: 20,
	/** How fast that burst refills, per second. */
	MESSAGE_RATE_LIMIT_PER_SECOND: 2,
	/** Minutes after sending during which its author may edit a message; 0 (the default): no limit. */
	EDIT_WINDOW_MINUTES: 0,
	/** Open sockets one user may hold in one room; a new one pushes out the oldest. */
	ROOM_SOCKETS_PER_USER: 10,
	/**
	 * A room copies its latest seq to D1 at most once per this long (for the room list's unread
	 * counts on a page load; open sidebars are told at once by the inbox). 300 busy rooms write
	 * at most 60 rows a second.
	 */
	LATEST_SEQ_COPY_MS: 5_000,
	/**
	 * After a write, a room waits this long before copying to the D1 archive (search), so a burst
	 * goes to D1 in a few batches: how far search may trail the room while it is busy.
	 */
	ARCHIVE_COPY_DELAY_MS: 500,
	/** How long someone stays listed as here after their last socket closes. */
	PRESENCE_GRACE_MS: 5_000,
	/** Frames of any type one socket may send in a burst. */
	SOCKET_FRAME_BURST: 60,
	/** How fast that burst refills, per second. */
	SOCKET_FRAMES_PER_SECOND: 10,
	/** New guest accounts per client address (IPv4, or IPv6 /64) per hour. */
	GUEST_SIGNINS_PER_IP_PER_HOUR: 20,
	/** Rooms one account may create per day. */
	ROOMS_PER_USER_PER_DAY: 20,
	/** Rooms one guest may create per day. */
	ROOMS_PER_GUEST_PER_DAY: 5,
	/** Invite links that may be open (not revoked, not expired) in one room. */
	OPEN_INVITES_PER_ROOM: 100,
	/** Of those, how many one guest may hold. */
	OPEN_INVITES_PER_GUEST: 10,
	/** An invite link stops working this many days after it was made. */
	INVITE_TTL_DAYS: 7,
	/** Members listed per page in the room info panel. */
	MEMBERS_PAGE_SIZE: 100,
	/** How long one isolate reuses a member's access to read a room's history (the removal bound). */
	ROOM_READ_CACHE_MS: 5_000,
	/**
	 * How long one isolate reuses a session it read from the store for API reads (never the socket
	 * upgrade): the most a session signed out or revoked through another isolate can still read.
	 */
	SESSION_READ_CACHE_MS: 60_000,
	/** Members listed per page for a guest. */
	GUEST_MEMBERS_PAGE_SIZE: 50,
	/** A guest with no session for this many days is removed by the hourly cleanup. */
	STALE_GUEST_DAYS: 30,
} as const;

export type SettingName = keyof typeof SETTINGS;
export type Settings = { readonly [K in SettingName]: number };

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A positive number from `vars`, or the default when it is missing or not a positive number (so 0 is the default). */
function positive(raw: unknown, fallback: number): number {
	const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
	return Number.isFinite(n) && n > 0 ? n : fallback;
}

const cache = new WeakMap<object, Settings>();

/** All settings for this environment; read once per bindings object (stable for an isolate's life). */
export function settings(env: Env): Settings {
	let known = cache.get(env);
	if (!known) {
		const vars: Partial<Record<SettingName, string>> = env;
		const entries = Object.entries(SETTINGS).map(([name, fallback]) => [
			name,
			positive(vars[name as SettingName], fallback),
		]);
		known = Object.fromEntries(entries) as Settings;
		cache.set(env, known);
	}
	return known;
}
