import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiError } from "./protocol/http-api";

/** Every API error has one JSON shape, so clients can branch on `error.code`. */
export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string) {
	return c.json({ error: { code, message } } satisfies ApiError, status);
}
