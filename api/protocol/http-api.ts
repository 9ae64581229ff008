import * as v from "valibot";
import { hasForbiddenCharacters } from "./display-text";
import { ActorSchema } from "./message-events";
import { AuthorSchema, ChatMessageSchema, RoleSchema, RoomEventSchema } from "./room-protocol";
import { SeqSchema } from "./seq";

/** JSON bodies of the HTTP API, shared by the Worker (which builds them) and the client (which parses them). */

export const ApiErrorSchema = v.object({
	error: v.object({ code: v.string(), message: v.string() }),
});
export type ApiError = v.InferOutput<typeof ApiErrorSchema>;

export const MeUserSchema = v.object({
	id: v.string(),
	name: v.string(),
	email: v.nullable(v.string()),
	image: v.nullable(v.string()),
	isGuest: v.boolean(),
	/** A guest who asked to keep their account by email and has not confirmed it yet. */
	pendingEmail: v.optional(v.nullable(v.string()), null),
});

/**
 * `GET /api/me`: the signed-in user, or `user: null` when signed out. A 200 either way: being
 * signed out is an answer, not an error (a 401 here would be logged on every visit to sign-in).
 */
export const MeResponseSchema = v.object({
	user: v.nullable(MeUserSchema),
	signInMethods: v.array(v.string()),
});
export type MeResponse = v.InferOutput<typeof MeResponseSchema>;
export type SignedInMe = MeResponse & { user: v.InferOutput<typeof MeUserSchema> };

/** `POST /api/me/email`: a guest keeps their account (rooms, messages) by giving it an email and password. */
export const ClaimEmailBodySchema = v.object({
	email: v.pipe(v.string(), v.trim(), v.email("That does not look like an email address."), v.maxLength(254)),
	password: v.pipe(v.string(), v.minLength(8, "Passwords are at least 8 characters."), v.maxLength(128)),
});

/** `GET /api/users/:id`: another member as the people who share a room with them see them. */
export const UserProfileSchema = v.object({
	id: v.string(),
	name: v.string(),
	image: v.nullable(v.string()),
	guest: v.boolean(),
	/** When the account was made (ms since the epoch). */
	joinedAt: v.number(),
});
export type UserProfile = v.InferOutput<typeof UserProfileSchema>;

export const SignInProviderSchema = v.object({
	id: v.picklist(["github", "google", "twitter"]),
	name: v.string(),
});
export type SignInProvider = v.InferOutput<typeof SignInProviderSchema>;

/** `GET /api/auth-methods`: what the sign-in page can offer. Email sign-in and guest are always on. */
export const AuthMethodsSchema = v.object({
	email: v.boolean(),
	/** New email accounts need a way to send the confirmation mail; without one, only sign-in. */
	emailSignUp: v.boolean(),
	guest: v.boolean(),
	providers: v.array(SignInProviderSchema),
});
export type AuthMethods = v.InferOutput<typeof AuthMethodsSchema>;

export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 100;

const seqParam = (name: string) =>
	v.optional(
		v.pipe(v.string(), v.regex(/^\d{1,15}$/, `\`${name}\` must be a non-negative integer`), v.transform(Number)),
	);

/**
 * Query string of `GET /api/rooms/:room/messages`; numbers arrive as strings. At most one of
 * `before` (older than), `after` (newer than) and `around` (both sides of, itself included);
 * none means the newest page.
 */
export const HistoryQuerySchema = v.pipe(
	v.object({
		before: seqParam("before"),
		after: seqParam("after"),
		around: seqParam("around"),
		limit: v.optional(
			v.pipe(
				v.string(),
				v.regex(/^\d{1,3}$/, "`limit` must be an integer"),
				v.transform(Number),
				v.minValue(1, "`limit` must be at least 1"),
				v.maxValue(HISTORY_MAX_LIMIT, `\`limit\` must be at most ${HISTORY_MAX_LIMIT}`),
			),
			String(HISTORY_DEFAULT_LIMIT),
		),
	}),
	v.check(
		(q) => [q.before, q.after, q.around].filter((x) => x !== undefined).length <= 1,
		"Give at most one of `before`, `after` and `around`.",
	),
);
export type HistoryQuery = v.InferOutput<typeof HistoryQuerySchema>;
/** Which page of history: the newest, or relative to a seq. */
export type HistoryAnchor =
	| { kind: "latest" }
	| { kind: "before"; seq: number }
	| { kind: "after"; seq: number }
	| { kind: "around"; seq: number };

export const HistoryPageSchema = v.object({
	roomId: v.string(),
	/** Ascending by `seq`. */
	messages: v.array(ChatMessageSchema),
	oldestSeq: SeqSchema,
	latestSeq: SeqSchema,
	/** True when messages older than the first one returned are still stored. */
	hasOlder: v.boolean(),
	/** True when messages newer than the last one returned exist. */
	hasNewer: v.boolean(),
});
export type HistoryPage = v.InferOutput<typeof HistoryPageSchema>;

// ---------------------------------------------------------------------------------------------
// Rooms

export const ROOM_NAME_MAX = 80;
export const RoomVisibilitySchema = v.picklist(["public", "private"]);
export type RoomVisibility = v.InferOutput<typeof RoomVisibilitySchema>;

/** A room as one user sees it in the sidebar or the room browser. */
export const RoomSummarySchema = v.object({
	id: v.string(),
	name: v.string(),
	visibility: RoomVisibilitySchema,
	/** False for a public room the user has not joined (shown under "Browse"). */
	member: v.boolean(),
	/** What the user may do here beyond their own messages. */
	role: RoleSchema,
	latestSeq: v.number(),
	/** Messages the room ever stored (ordinals): unread counts move by it, never by edits or reactions. */
	latestN: v.optional(v.number(), 0),
	/** The highest seq the user has read, on any device; null when not a member. */
	lastReadSeq: v.nullable(v.number()),
	/** Messages from others since the user last read (0 when not a member); changes never count. */
	unread: v.number(),
	/** Unread messages that mention the user (by name or @here): a badge of their own. */
	mentions: v.optional(v.number(), 0),
	/** The seq of the newest unread mention, where a notification opens the room; null when none. */
	latestMentionSeq: v.optional(v.nullable(v.number()), null),
	/** The user muted the room: no unread badge, no desktop notifications (mentions still count). */
	muted: v.optional(v.boolean(), false),
});
export type RoomSummary = v.InferOutput<typeof RoomSummarySchema>;

/** `GET /api/rooms`: the user's rooms first, then public rooms to browse, each by name. */
export const RoomListSchema = v.object({ rooms: v.array(RoomSummarySchema) });
export type RoomList = v.InferOutput<typeof RoomListSchema>;

/** `POST /api/rooms` body. */
export const CreateRoomBodySchema = v.object({
	name: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, "Give the room a name."),
		v.maxLength(ROOM_NAME_MAX, `Room names are at most ${ROOM_NAME_MAX} characters.`),
		v.check((name) => !hasForbiddenCharacters(name), "Room names cannot contain control or text-direction characters."),
	),
	visibility: RoomVisibilitySchema,
});
export type CreateRoomBody = v.InferOutput<typeof CreateRoomBodySchema>;

/**
 * `PUT /api/rooms/:room/read` body: the seq and the ordinal (`n`) of the newest message now seen.
 * Lower values than stored are ignored.
 */
/** `PUT /api/rooms/:room/mute` body. */
export const MuteBodySchema = v.object({ muted: v.boolean() });

export const MarkReadBodySchema = v.object({ seq: SeqSchema, n: SeqSchema });
export const MarkReadResponseSchema = v.object({ lastReadSeq: SeqSchema, lastReadN: SeqSchema });

/** Storage monitoring for one room, from its Durable Object. */
export const RoomStatsSchema = v.object({
	messageCount: v.number(),
	/** Bytes of the room's SQLite database. */
	storageBytes: v.number(),
	oldestSeq: v.number(),
	latestSeq: v.number(),
	/** When the oldest kept message was sent; null when none is kept. */
	oldestAt: v.nullable(v.number()),
	retention: v.object({ maxMessages: v.number(), maxDays: v.number() }),
});
export type RoomStats = v.InferOutput<typeof RoomStatsSchema>;

/** Whether the archive keeps what the room prunes by its retention policy, or is pruned too. */
export const ArchiveRetentionSchema = v.picklist(["kept", "pruned"]);
export type ArchiveRetention = v.InferOutput<typeof ArchiveRetentionSchema>;

/** `GET /api/rooms/:room/sync`: how far the D1 archive (search) is behind the room. */
export const SyncHealthSchema = v.object({
	latestSeq: v.number(),
	archivedSeq: v.number(),
	/** Messages, edits and deletes waiting to be copied. */
	pending: v.number(),
	/** How long the oldest of them has waited, in ms. */
	oldestPendingMs: v.number(),
	lastError: v.nullable(v.object({ message: v.string(), at: v.number() })),
	/** Whether the archive keeps what the room prunes (the default) or is pruned with it. */
	retention: ArchiveRetentionSchema,
	/** Copying held back (development and tests only). */
	paused: v.boolean(),
});
/** `PUT /api/rooms/:room/archive/retention`: the owner's choice. */
export const ArchiveRetentionBodySchema = v.object({ retention: ArchiveRetentionSchema });
export type SyncHealth = v.InferOutput<typeof SyncHealthSchema>;

/** `GET /api/rooms/:room/activity`: the room's last 30 days, from the archive (UTC days and hours). */
export const RoomActivitySchema = v.object({
	perDay: v.array(v.object({ day: v.number(), count: v.number() })),
	topPosters: v.array(v.object({ id: v.string(), name: v.string(), count: v.number() })),
	busiestHours: v.array(v.object({ hour: v.number(), count: v.number() })),
});
export type RoomActivity = v.InferOutput<typeof RoomActivitySchema>;

/** `GET /api/rooms/:room/archive/check`: the room and its archive compared. */
export const ArchiveCheckSchema = v.object({
	room: v.object({ messages: v.number(), maxSeq: v.number() }),
	archive: v.object({ messages: v.number(), maxSeq: v.number() }),
	/** Blocks of seqs whose count or (seq, rev) checksum differ. */
	mismatchedBlocks: v.array(v.object({ from: v.number(), to: v.number() })),
	ok: v.boolean(),
});
export type ArchiveCheck = v.InferOutput<typeof ArchiveCheckSchema>;

/** `GET /api/rooms/:room/export` query. */
export const ExportQuerySchema = v.object({ format: v.optional(v.picklist(["json", "md"]), "json") });

/** `GET /api/search` query: words to find, and where. */
export const SEARCH_MAX_LENGTH = 200;
export const SearchQuerySchema = v.object({
	q: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, "Type something to search for."),
		v.maxLength(SEARCH_MAX_LENGTH, `Searches are at most ${SEARCH_MAX_LENGTH} characters.`),
	),
	room: v.optional(v.pipe(v.string(), v.maxLength(64))),
	/** Only messages by this user id. */
	from: v.optional(v.pipe(v.string(), v.maxLength(64))),
	/** Only messages sent before / at or after this time (ms since the epoch). */
	before: v.optional(v.pipe(v.string(), v.toNumber(), v.integer())),
	after: v.optional(v.pipe(v.string(), v.toNumber(), v.integer())),
	order: v.optional(v.picklist(["newest", "relevance"]), "newest"),
	limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(50)), "20"),
	cursor: v.optional(v.pipe(v.string(), v.maxLength(100))),
});

/** A search hit: the message and where it is, with the matched words marked in `snippet`. */
export const SearchHitSchema = v.object({
	roomId: v.string(),
	roomName: v.string(),
	seq: v.number(),
	messageId: v.string(),
	author: v.object({ id: v.string(), name: v.string() }),
	createdAt: v.number(),
	/** Pieces of the text in order; `match` pieces are what the search found. */
	snippet: v.array(v.object({ text: v.string(), match: v.boolean() })),
});
export type SearchHit = v.InferOutput<typeof SearchHitSchema>;

export const SearchResultSchema = v.object({
	hits: v.array(SearchHitSchema),
	next: v.nullable(v.string()),
	/** Rooms among the results (or the one searched) whose archive is behind the room. */
	behind: v.array(v.object({ roomId: v.string(), roomName: v.string(), missing: v.number() })),
	/** Which index answered: words, trigrams (substrings, CJK) or a bounded scan (short queries). */
	mode: v.picklist(["words", "trigram", "scan"]),
});
export type SearchResult = v.InferOutput<typeof SearchResultSchema>;

/** One page of a room's members, by name; `next` is the cursor of the following page. */
export const MemberSchema = v.object({ ...AuthorSchema.entries, role: RoleSchema });
export type Member = v.InferOutput<typeof MemberSchema>;

export const MemberPageSchema = v.object({
	members: v.array(MemberSchema),
	next: v.nullable(v.string()),
});
export type MemberPage = v.InferOutput<typeof MemberPageSchema>;

/** `GET /api/rooms/:room/members?cursor=&q=`: the next page, or the members whose name starts with q. */
export const MembersQuerySchema = v.object({
	cursor: v.optional(v.pipe(v.string(), v.maxLength(512))),
	/** Only members whose name starts with this (any case): the composer's @ list. */
	q: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

/** `GET /api/rooms/:room`: the room info panel, with the first page of members. */
export const RoomDetailsSchema = v.object({
	room: RoomSummarySchema,
	members: MemberPageSchema,
	stats: RoomStatsSchema,
});
export type RoomDetails = v.InferOutput<typeof RoomDetailsSchema>;

/** An invite token as `newToken` makes them: 16 random bytes, base64url. */
export const InviteTokenSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/));

export const InviteSchema = v.object({
	token: v.string(),
	createdAt: v.number(),
	/** The link stops working at this time. */
	expiresAt: v.number(),
});
export type Invite = v.InferOutput<typeof InviteSchema>;

/** `GET /api/rooms/:room/invites`: the room's invite links that still work. */
export const InviteListSchema = v.object({ invites: v.array(InviteSchema) });

/** `GET /api/invites/:token`: what an invite link leads to, before accepting it. */
export const InvitePreviewSchema = v.object({ room: v.object({ id: v.string(), name: v.string() }) });
export type InvitePreview = v.InferOutput<typeof InvitePreviewSchema>;

// ---------------------------------------------------------------------------------------------
// Living messages (protocol 4)

/** `GET /api/rooms/:room/events?after=`: the log after a seq, for a client that missed some. */
export const EventsQuerySchema = v.object({
	after: v.pipe(v.string(), v.regex(/^\d{1,15}$/, "`after` must be a non-negative integer"), v.transform(Number)),
});

export const EventsPageSchema = v.variant("kind", [
	v.object({
		kind: v.literal("events"),
		/** Ascending by seq; seqs that belonged to pruned messages are missing. */
		events: v.array(RoomEventSchema),
		/** Everything up to here is in `events` (or is gone): the client's log is whole to this seq. */
		upTo: SeqSchema,
		/** True when more events follow `upTo`. */
		more: v.boolean(),
	}),
	/** What the client asked for was pruned (or never existed): refetch the newest page. */
	v.object({ kind: v.literal("reset"), oldestSeq: SeqSchema, latestSeq: SeqSchema }),
]);
export type EventsPage = v.InferOutput<typeof EventsPageSchema>;

/** `GET /api/rooms/:room/messages/:id/versions`: the texts an edited message had, oldest first. */
export const MessageVersionsSchema = v.object({
	versions: v.array(v.object({ text: v.string(), at: v.number() })),
});
export type MessageVersions = v.InferOutput<typeof MessageVersionsSchema>;

/** A message id in a path. */
export const MessageIdParamSchema = v.object({ id: v.pipe(v.string(), v.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/)) });

/** One moderator deletion, as the room's owner and moderators read it. */
export const AuditEntrySchema = v.object({
	at: v.number(),
	by: ActorSchema,
	author: ActorSchema,
	messageSeq: SeqSchema,
	reason: v.nullable(v.string()),
});
export type AuditEntry = v.InferOutput<typeof AuditEntrySchema>;

/** `GET /api/rooms/:room/audit`: moderator deletions, newest first (owner and moderators only). */
export const AuditLogSchema = v.object({ entries: v.array(AuditEntrySchema) });
export type AuditLog = v.InferOutput<typeof AuditLogSchema>;

/** `PUT /api/rooms/:room/members/:userId/role` body (owner only). */
export const SetRoleBodySchema = v.object({ role: v.picklist(["moderator", "member"]) });

/**
 * The first screen's data, embedded by the Worker in the page it serves for a navigation
 * (`<script type="application/json" id="parlor-boot">`): the session, and for a signed-in visitor
 * the room list and the first history page of the room the address names (`around` a permalink's
 * seq). The client seeds its query cache from it before the first render.
 */
export const BOOT_ELEMENT_ID = "parlor-boot";
export const BootDataSchema = v.object({
	me: MeResponseSchema,
	rooms: v.optional(RoomListSchema),
	history: v.optional(v.object({ roomId: v.string(), around: v.optional(SeqSchema), page: HistoryPageSchema })),
});
export type BootData = v.InferOutput<typeof BootDataSchema>;
