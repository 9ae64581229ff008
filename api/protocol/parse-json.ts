import * as v from "valibot";

/** JSON text read through a schema: the typed value, or null when it is not JSON or not that shape. */
export function parseJson<S extends v.GenericSchema>(schema: S, text: string | null): v.InferOutput<S> | null {
	if (text === null) return null;
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return null;
	}
	const parsed = v.safeParse(schema, json);
	return parsed.success ? parsed.output : null;
}
