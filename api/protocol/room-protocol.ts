import * as v from "valibot";

/**
 * The room's WebSocket protocol: the one place its frame shapes live. Frames are JSON objects
 * discriminated by `type`. Client and server both import this module; it must stay free of
 * platform imports (no `cloudflare:*`, no DOM).
 */
export const PROTOCOL_VERSION = 3;

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

/** A client sends `typing` at most this often while its user keeps typing. */
export const TYPING_THROTTLE_MS = 2_000;
/** A typing notice is shown this long after the last one, unless a message from that user lands first. */
export const TYPING_TIMEOUT_MS = 5_000;

/** Exact frames the room answers without waking up (Durable Object auto-response). */
export const PING_FRAME = '{"type":"ping"}';
export const PONG_FRAME = '{"type":"pong"}';

// ---------------------------------------------------------------------------------------------
// Shared values

/** A room sequence number: every message and page speaks of positions in the log with this. */
export const SeqSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

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
	text: v.string(),
	/** Milliseconds since the epoch, as the room's clock saw it. */
	createdAt: v.number(),
	clientId: v.string(),
});
export type ChatMessage = v.InferOutput<typeof ChatMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Client -> server

export const HelloFrameSchema = v.object({
	type: v.literal("hello"),
	/** The highest `seq` this client has; the room replays everything after it. */
	since: v.optional(SeqSchema),
});

export const SendFrameSchema = v.object({
	type: v.literal("send"),
	clientId: ClientIdSchema,
	text: v.string(),
});

/** "I am typing": throttled by the client, relayed to the room's other users, never stored. */
export const TypingFrameSchema = v.object({ type: v.literal("typing") });

export const ClientMessageSchema = v.variant("type", [HelloFrameSchema, SendFrameSchema, TypingFrameSchema]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;
export type ClientMessageType = ClientMessage["type"];

// ---------------------------------------------------------------------------------------------
// Server -> client

export const ERROR_CODES = [
	"bad_json",
	"bad_frame",
	"unknown_type",
	"text_empty",
	"text_too_long",
	"rate_limited",
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

export const WelcomeFrameSchema = v.object({
	type: v.literal("welcome"),
	protocol: v.number(),
	roomId: v.string(),
	you: AuthorSchema,
	connectionId: v.string(),
	...SeqRange,
});

export const MessageFrameSchema = v.object({
	type: v.literal("message"),
	message: ChatMessageSchema,
});

/**
 * Several messages in one frame, ascending by `seq` (protocol 2): a busy room sends each socket
 * one frame per batch instead of one per message. Means exactly what that many `message` frames mean.
 */
export const MessagesFrameSchema = v.object({
	type: v.literal("messages"),
	messages: v.array(ChatMessageSchema),
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

/**
 * Who is in the room now (protocol 3): each user once however many sockets they have, in name
 * order. Sent after `welcome` and again whenever the list changes; the whole list, so a missed
 * frame never leaves a client wrong for long. Never stored.
 */
export const PresenceFrameSchema = v.object({
	type: v.literal("presence"),
	users: v.array(AuthorSchema),
});

/** Another user is typing (protocol 3); the client shows it for `TYPING_TIMEOUT_MS`. */
export const TypingNoticeFrameSchema = v.object({
	type: v.literal("typing"),
	user: AuthorSchema,
});

export const ServerMessageSchema = v.variant("type", [
	WelcomeFrameSchema,
	MessageFrameSchema,
	MessagesFrameSchema,
	AckFrameSchema,
	ErrorFrameSchema,
	ResetFrameSchema,
	PongFrameSchema,
	PresenceFrameSchema,
	TypingNoticeFrameSchema,
]);
export type ServerMessage = v.InferOutput<typeof ServerMessageSchema>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrameSchema>;

/** The frame that carries `messages` to a socket: `message` for one, `messages` for more. */
export function messagesFrame(messages: ChatMessage[]): ServerMessage {
	const [only] = messages;
	return messages.length === 1 && only ? { type: "message", message: only } : { type: "messages", messages };
}
export type WelcomeFrame = v.InferOutput<typeof WelcomeFrameSchema>;
export type AckFrame = v.InferOutput<typeof AckFrameSchema>;
export type ResetFrame = v.InferOutput<typeof ResetFrameSchema>;
export type PresenceFrame = v.InferOutput<typeof PresenceFrameSchema>;

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
	if (type !== "hello" && type !== "send" && type !== "typing") {
		return fail("unknown_type", `Unknown frame type ${JSON.stringify(type)?.slice(0, 40) ?? "undefined"}.`, ref);
	}
	const parsed = v.safeParse(ClientMessageSchema, json);
	if (!parsed.success) {
		const issue = parsed.issues[0];
		const path = issue.path?.map((p) => String(p.key)).join(".") || type;
		return fail("bad_frame", `Invalid \`${type}\` frame at ${path}: ${issue.message}`, ref);
	}
	const message = parsed.output;
	if (message.type === "send") {
		if (message.text.trim().length === 0) return fail("text_empty", "Message text is empty.", message.clientId);
		if (message.text.length > MAX_TEXT_LENGTH) {
			return fail("text_too_long", `Message text is longer than ${MAX_TEXT_LENGTH} characters.`, message.clientId);
		}
	}
	return { ok: true, value: message };
}

/** Parses one frame from the server (the client's side of the boundary). */
export function parseServerMessage(raw: string): ServerMessage | null {
	try {
		const parsed = v.safeParse(ServerMessageSchema, JSON.parse(raw));
		return parsed.success ? parsed.output : null;
	} catch {
		return null;
	}
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
