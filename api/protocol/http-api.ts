import * as v from "valibot";

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
