import * as v from "valibot";
import { ChatMessageSchema } from "./room-protocol";

/** JSON bodies of the HTTP API, shared by the Worker (which builds them) and the client (which parses them). */

export const ApiErrorSchema = v.object({
	error: v.object({ code: v.string(), message: v.string() }),
});
export type ApiError = v.InferOutput<typeof ApiErrorSchema>;

export const MeResponseSchema = v.object({
	user: v.object({
		id: v.string(),
		name: v.string(),
		email: v.nullable(v.string()),
		image: v.nullable(v.string()),
		isGuest: v.boolean(),
	}),
	signInMethods: v.array(v.string()),
});
export type MeResponse = v.InferOutput<typeof MeResponseSchema>;

export const SignInProviderSchema = v.object({
	id: v.picklist(["github", "google", "twitter"]),
	name: v.string(),
});
export type SignInProvider = v.InferOutput<typeof SignInProviderSchema>;

/** `GET /api/auth-methods`: what the sign-in page can offer. Email and guest are always on. */
export const AuthMethodsSchema = v.object({
	email: v.boolean(),
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
	oldestSeq: v.number(),
	latestSeq: v.number(),
	/** True when messages older than the first one returned are still stored. */
	hasMore: v.boolean(),
});
export type HistoryPage = v.InferOutput<typeof HistoryPageSchema>;
