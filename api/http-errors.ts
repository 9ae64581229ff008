import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiError } from "./protocol/http-api";

/** Every API error has one JSON shape, so clients can branch on `error.code`. */
export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string) {
	return c.json({ error: { code, message } } satisfies ApiError, status);
}

/** 429 for a quota: `Retry-After` says when (whole seconds), the message says what to do. */
export function overQuota(c: Context, retryAfterMs: number, code: string, message: string) {
	c.header("Retry-After", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
	return jsonError(c, 429, code, message);
}
