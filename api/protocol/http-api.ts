import * as v from "valibot";
import { hasForbiddenCharacters } from "./display-text";
import { AuthorSchema, ChatMessageSchema, SeqSchema } from "./room-protocol";

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

/** Query string of `GET /api/rooms/:room/messages`; numbers arrive as strings. */
export const HistoryQuerySchema = v.object({
	before: v.optional(
		v.pipe(v.string(), v.regex(/^\d{1,15}$/, "`before` must be a non-negative integer"), v.transform(Number)),
	),
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
});
export type HistoryQuery = v.InferOutput<typeof HistoryQuerySchema>;

export const HistoryPageSchema = v.object({
	roomId: v.string(),
	/** Ascending by `seq`. */
	messages: v.array(ChatMessageSchema),
	oldestSeq: SeqSchema,
	latestSeq: SeqSchema,
	/** True when messages older than the first one returned are still stored. */
	hasMore: v.boolean(),
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
	latestSeq: v.number(),
	/** The highest seq the user has read, on any device; null when not a member. */
	lastReadSeq: v.nullable(v.number()),
	/** Messages after `lastReadSeq` (0 when not a member). */
	unread: v.number(),
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

/** `PUT /api/rooms/:room/read` body: the highest seq now seen. Lower values than stored are ignored. */
export const MarkReadBodySchema = v.object({ seq: SeqSchema });

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

/** One page of a room's members, by name; `next` is the cursor of the following page. */
export const MemberPageSchema = v.object({
	members: v.array(AuthorSchema),
	next: v.nullable(v.string()),
});
export type MemberPage = v.InferOutput<typeof MemberPageSchema>;

/** `GET /api/rooms/:room/members?cursor=`: the next page. */
export const MembersQuerySchema = v.object({ cursor: v.optional(v.pipe(v.string(), v.maxLength(512))) });

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
