import { vValidator } from "@hono/valibot-validator";
import type { GenericSchema } from "valibot";
import { jsonError } from "../http-errors";

/**
 * A request body or query parsed by its schema from api/protocol before the handler runs; the
 * handler reads the typed value with `c.req.valid(target)`. Invalid input gets the API's one
 * error shape with the schema's first message.
 */
export function validate<T extends GenericSchema, Target extends "json" | "query" | "param">(
	target: Target,
	schema: T,
) {
	return vValidator(target, schema, (result, c) => {
		if (!result.success) {
			const code = target === "json" ? "bad_body" : target === "query" ? "bad_query" : "bad_path";
			return jsonError(c, 400, code, result.issues[0].message);
		}
	});
}
