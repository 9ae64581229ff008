import { MAX_REPLAY } from "../protocol/room-protocol";

export type ResumePlan =
	| { kind: "live" }
	| { kind: "replay"; after: number }
	| { kind: "reset"; reason: "pruned" | "gap_too_large" | "ahead" };

/**
 * What a `hello {since}` gets: nothing to replay (no `since`), a replay of everything after
 * `since` when that fits in one bounded page, or `reset` (refetch history over HTTP).
 */
export function planResume(since: number | undefined, oldestSeq: number, latestSeq: number): ResumePlan {
	if (since === undefined) return { kind: "live" };
	// The client saw a seq the room never issued (e.g. local state wiped): its cache is wrong.
	if (since > latestSeq) return { kind: "reset", reason: "ahead" };
	// Messages after `since` were pruned before the client could see them.
	if (since < oldestSeq - 1) return { kind: "reset", reason: "pruned" };
	if (latestSeq - since > MAX_REPLAY) return { kind: "reset", reason: "gap_too_large" };
	return { kind: "replay", after: since };
}
