import * as v from "valibot";
import { ApiErrorSchema } from "../api/protocol/http-api";

/** An API answer that was not 2xx, with the server's message and code when it sent one. */
export class ApiRequestError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

export async function request<T>(
	path: string,
	schema: v.GenericSchema<unknown, T> | null,
	init: RequestInit = {},
): Promise<T | null> {
	const res = await fetch(path, {
		...init,
		credentials: "same-origin",
		headers: init.body ? { "content-type": "application/json" } : undefined,
	});
	if (!res.ok) {
		const body = v.safeParse(ApiErrorSchema, await res.json().catch(() => null));
		const error = body.success ? body.output.error : { code: "http_error", message: `HTTP ${res.status}` };
		throw new ApiRequestError(res.status, error.code, error.message);
	}
	if (!schema || res.status === 204) return null;
	return v.parse(schema, await res.json());
}

export async function must<T>(promise: Promise<T | null>): Promise<T> {
	const value = await promise;
	if (value === null) throw new Error("The server sent no body.");
	return value;
}
