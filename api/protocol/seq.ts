import * as v from "valibot";

/** A room sequence number: every message and every change takes the room's next one. */
export const SeqSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
