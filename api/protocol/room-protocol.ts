import * as v from "valibot";
import { ChangeEventSchema, MessageStateSchema } from "./message-events";
import { parseJson } from "./parse-json";
import { SeqSchema } from "./seq";

/**
 * The room's WebSocket protocol: the one place its frame shapes live. Frames are JSON objects
 * discriminated by `type`. Client and server both import this module; it must stay free of
 * platform imports (no `cloudflare:*`, no DOM).
 */
export { PROTOCOL_VERSION } from "./version";

/** Frames larger than this (in UTF-8 bytes) close the socket with 1009. */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Longest message text, in UTF-16 code units (what a textarea's maxLength counts). */
export const MAX_TEXT_LENGTH = 4000;
/** The most messages one `hello {since}` replays; a larger gap gets `reset`. */
export const MAX_REPLAY = 100;
/** The most bytes of messages one `hello {since}` replays; more gets `reset` (refetch over HTTP). */
export const MAX_REPLAY_BYTES = 256 * 1024;

/**
 * In a busy room, sends that arrive within this long of the previous batch wait for the next one,
 * so one commit and one frame per socket carry several messages. A quiet room flushes at once.
 */
export const BATCH_WINDOW_MS = 15;

/**
 * Close code for a socket whose session ended (signed out, revoked, expired). The client asks
 * `/api/me` before believing it: a session Better Auth extended may still be alive.
 */
export const CLOSE_SESSION_ENDED = 1008;

/**
 * Close code for a socket the room dropped because its user opened the room in more places than
 * `ROOM_SOCKETS_PER_USER` allows (the oldest goes). The client then waits for the user to ask.
 */
export const CLOSE_DISPLACED = 4001;

/**
 * Close code for the sockets of a user who left a private room: not a session problem (1008), so
 * the client neither reconnects nor signs out; it leaves the room.
 */
export const CLOSE_LEFT_ROOM = 4003;

/**
 * Close code for a socket that kept sending over its frame budget after being told to slow down.
 * The client reconnects after its usual backoff.
 */
export const CLOSE_FLOODING = 4008;

/**
 * Close code for a client that speaks an older protocol (a tab left open across a deploy): it is
 * told so in an `error` frame first, and the app asks the reader to reload instead of reconnecting.
 */
export const CLOSE_PROTOCOL_OUTDATED = 4010;

/** A client sends `typing` at most this often while its user keeps typing. */
export const TYPING_THROTTLE_MS = 2_000;
/** A typing notice is shown this long after the last one, unless a message from that user lands first. */
export const TYPING_TIMEOUT_MS = 5_000;

/** Exact frames the room answers without waking up (Durable Object auto-response). */
export const PING_FRAME = '{"type":"ping"}';
export const PONG_FRAME = '{"type":"pong"}';

// ---------------------------------------------------------------------------------------------
// Shared values

/** Idempotency key chosen by the client, unique per author. */
export const ClientIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

export const AuthorSchema = v.object({
	id: v.string(),
	name: v.string(),
	image: v.nullable(v.string()),
	/** A guest account: shown beside the name everywhere, since anyone can be any guest name. */
	guest: v.optional(v.boolean(), false),
});
export type Author = v.InferOutput<typeof AuthorSchema>;

export const ChatMessageSchema = v.object({
	seq: SeqSchema,
	/** ULID: unique and sortable by creation time. */
	id: v.string(),
	author: AuthorSchema,
	/** The current text (empty once deleted). */
	text: v.string(),
	/** Milliseconds since the epoch, as the room's clock saw it. */
	createdAt: v.number(),
	clientId: v.string(),
	/** The message's place among the room's messages (1, 2, 3…): seqs also count changes, this only messages. */
	n: SeqSchema,
	...MessageStateSchema,
});
export type ChatMessage = v.InferOutput<typeof ChatMessageSchema>;

/** One entry of the room's log: a message created (with its state as of now), or a change to one. */
export const RoomEventSchema = v.union([
	v.object({ kind: v.literal("create"), seq: SeqSchema, message: ChatMessageSchema }),
	ChangeEventSchema,
]);
export type RoomEvent = v.InferOutput<typeof RoomEventSchema>;

// ---------------------------------------------------------------------------------------------
// Client -> server

const HelloFrameSchema = v.object({
	type: v.literal("hello"),
	/** The highest `seq` this client has; the room replays everything after it. */
	since: v.optional(SeqSchema),
	/** The protocol the client speaks; a client without one is older than protocol 4. */
	protocol: v.optional(v.number()),
});

const MessageIdSchema = v.pipe(v.string(), v.maxLength(64));

const SendFrameSchema = v.object({
	type: v.literal("send"),
	clientId: ClientIdSchema,
	text: v.string(),
	/** The id of the message this one replies to. */
	replyTo: v.optional(MessageIdSchema),
});

/** Change the text of one's own message. */
const EditFrameSchema = v.object({
	type: v.literal("edit"),
	clientId: ClientIdSchema,
	messageId: MessageIdSchema,
	text: v.string(),
});

/** Delete a message: one's own, or anyone's for the room's owner and moderators. */
const DeleteFrameSchema = v.object({
	type: v.literal("delete"),
	clientId: ClientIdSchema,
	messageId: MessageIdSchema,
	/** Kept in the moderation log when a moderator deletes someone else's message. */
	reason: v.optional(v.pipe(v.string(), v.maxLength(200))),
});

/** Add (`on`) or take back an emoji reaction. */
const ReactFrameSchema = v.object({
	type: v.literal("react"),
	clientId: ClientIdSchema,
	messageId: MessageIdSchema,
	emoji: v.pipe(v.string(), v.maxLength(32)),
	on: v.boolean(),
});

/** "I am typing": throttled by the client, relayed to the room's other users, never stored. */
const TypingFrameSchema = v.object({ type: v.literal("typing") });

export const ClientMessageSchema = v.variant("type", [
	HelloFrameSchema,
	SendFrameSchema,
	EditFrameSchema,
	DeleteFrameSchema,
	ReactFrameSchema,
	TypingFrameSchema,
]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;
/** A frame that writes to the log: answered with an `ack`, and idempotent by `clientId`. */
export type WriteFrame = Extract<ClientMessage, { clientId: string }>;
const CLIENT_TYPES: ReadonlySet<string> = new Set(["hello", "send", "edit", "delete", "react", "typing"]);

// ---------------------------------------------------------------------------------------------
// Server -> client

export const ERROR_CODES = [
	"bad_json",
	"bad_frame",
	"unknown_type",
	"text_empty",
	"text_too_long",
	"rate_limited",
	"not_found",
	"not_allowed",
	"bad_emoji",
	"too_many_reactions",
	"protocol_outdated",
	"internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const RESET_REASONS = ["pruned", "gap_too_large", "ahead"] as const;

const SeqRange = {
	/** Lowest `seq` still stored (latestSeq + 1 when the room keeps nothing). */
	oldestSeq: SeqSchema,
	/** Highest `seq` ever assigned in the room (0 before the first message). */
	latestSeq: SeqSchema,
};

/** What a member may do beyond their own messages: the owner made the room, moderators were named by them. */
export const RoleSchema = v.picklist(["owner", "moderator", "member"]);
export type Role = v.InferOutput<typeof RoleSchema>;

const WelcomeFrameSchema = v.object({
	type: v.literal("welcome"),
	protocol: v.number(),
	roomId: v.string(),
	you: AuthorSchema,
	role: RoleSchema,
	connectionId: v.string(),
	...SeqRange,
});

/**
 * The room's log, in seq order (protocol 4): new messages and changes to messages, live or
 * replayed. A busy room sends each socket one frame per batch.
 */
const EventsFrameSchema = v.object({
	type: v.literal("events"),
	events: v.array(RoomEventSchema),
});

export const AckFrameSchema = v.object({
	type: v.literal("ack"),
	clientId: v.string(),
	seq: SeqSchema,
	id: v.string(),
	createdAt: v.number(),
});

export const ErrorFrameSchema = v.object({
	type: v.literal("error"),
	code: v.picklist(ERROR_CODES),
	message: v.string(),
	/** The `clientId` of the send this error answers, when there is one. */
	ref: v.optional(v.string()),
	retryAfterMs: v.optional(v.number()),
});

export const ResetFrameSchema = v.object({
	type: v.literal("reset"),
	reason: v.picklist(RESET_REASONS),
	...SeqRange,
});

export const PongFrameSchema = v.object({ type: v.literal("pong") });

/** At most this many users in a `presence` list; `total` still counts everyone. */
export const PRESENCE_LIST_CAP = 100;
/** At most this many arrivals (and ten times as many departures) in one `presence_delta`. */
export const PRESENCE_DELTA_CAP = 50;

/**
 * Who is in the room now, sent once to each socket after `welcome` (protocol 5): each user once
 * however many sockets they have, in name order, at most PRESENCE_LIST_CAP of them, and how many
 * there are in all. Never stored.
 */
export const PresenceFrameSchema = v.object({
	type: v.literal("presence"),
	users: v.pipe(v.array(AuthorSchema), v.maxLength(PRESENCE_LIST_CAP)),
	total: v.number(),
});

/**
 * Who came and who went since the last change (protocol 5), to every socket, at most once per
 * announce window: a room of 2,000 does not send 2,000 names to 2,000 sockets when one arrives.
 * Applying it twice changes nothing (arrivals replace by id, departures remove by id).
 */
export const PresenceDeltaFrameSchema = v.object({
	type: v.literal("presence_delta"),
	joined: v.pipe(v.array(AuthorSchema), v.maxLength(PRESENCE_DELTA_CAP)),
	left: v.pipe(v.array(v.string()), v.maxLength(PRESENCE_DELTA_CAP * 10)),
	total: v.number(),
});

/** Another user is typing (protocol 3); the client shows it for `TYPING_TIMEOUT_MS`. */
export const TypingNoticeFrameSchema = v.object({
	type: v.literal("typing"),
	user: AuthorSchema,
});

/** The owner named this user moderator, or took it back (protocol 4): what they may do changed. */
const RoleFrameSchema = v.object({ type: v.literal("role"), role: RoleSchema });

export const ServerMessageSchema = v.variant("type", [
	RoleFrameSchema,
	WelcomeFrameSchema,
	EventsFrameSchema,
	AckFrameSchema,
	ErrorFrameSchema,
	ResetFrameSchema,
	PongFrameSchema,
	PresenceFrameSchema,
	PresenceDeltaFrameSchema,
	TypingNoticeFrameSchema,
]);
export type ServerMessage = v.InferOutput<typeof ServerMessageSchema>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrameSchema>;

/** The frame that carries events to a socket. */
export function eventsFrame(events: RoomEvent[]): ServerMessage {
	return { type: "events", events };
}
export type WelcomeFrame = v.InferOutput<typeof WelcomeFrameSchema>;
export type AckFrame = v.InferOutput<typeof AckFrameSchema>;
export type ResetFrame = v.InferOutput<typeof ResetFrameSchema>;
export type PresenceFrame = v.InferOutput<typeof PresenceFrameSchema>;
export type PresenceDeltaFrame = v.InferOutput<typeof PresenceDeltaFrameSchema>;

// ---------------------------------------------------------------------------------------------
// Parsing

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ErrorFrame };

function fail(code: ErrorCode, message: string, ref?: string): { ok: false; error: ErrorFrame } {
	return { ok: false, error: { type: "error", code, message, ...(ref ? { ref } : {}) } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses one text frame from a client into a typed message, or the error frame to answer with.
 * Size is checked by the caller first (oversized frames close the socket instead).
 */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		return fail("bad_json", "Frame is not valid JSON.");
	}
	if (!isRecord(json)) return fail("bad_frame", "Frame must be a JSON object with a `type`.");
	const type = json.type;
	const ref = typeof json.clientId === "string" ? json.clientId.slice(0, 64) : undefined;
	if (typeof type !== "string" || !CLIENT_TYPES.has(type)) {
		return fail("unknown_type", `Unknown frame type ${JSON.stringify(type)?.slice(0, 40) ?? "undefined"}.`, ref);
	}
	const parsed = v.safeParse(ClientMessageSchema, json);
	if (!parsed.success) {
		const issue = parsed.issues[0];
		const path = issue.path?.map((p) => String(p.key)).join(".") || type;
		return fail("bad_frame", `Invalid \`${type}\` frame at ${path}: ${issue.message}`, ref);
	}
	const message = parsed.output;
	if (message.type === "send" || message.type === "edit") {
		if (message.text.trim().length === 0) return fail("text_empty", "Message text is empty.", message.clientId);
		if (message.text.length > MAX_TEXT_LENGTH) {
			return fail("text_too_long", `Message text is longer than ${MAX_TEXT_LENGTH} characters.`, message.clientId);
		}
	}
	return { ok: true, value: message };
}

/** Parses one frame from the server (the client's side of the boundary). */
export function parseServerMessage(raw: string): ServerMessage | null {
	return parseJson(ServerMessageSchema, raw);
}

/** UTF-8 bytes of a string. */
export function utf8Bytes(text: string): number {
	return new TextEncoder().encode(text).byteLength;
}

/**
 * Whether a client frame would be refused for its size (the room closes with 1009). Text within
 * MAX_TEXT_LENGTH can still be too large once JSON-escaped (a control character takes 6 bytes),
 * so clients check the encoded frame before sending it.
 */
export function clientFrameTooLarge(frame: ClientMessage): boolean {
	return frameExceedsLimit(JSON.stringify(frame));
}

/** UTF-8 size of a frame, computed only when the UTF-16 length leaves it in doubt. */
export function frameExceedsLimit(raw: string, limit = MAX_FRAME_BYTES): boolean {
	// Every UTF-16 code unit is at least one UTF-8 byte and at most three.
	if (raw.length > limit) return true;
	if (raw.length * 3 <= limit) return false;
	return utf8Bytes(raw) > limit;
}
