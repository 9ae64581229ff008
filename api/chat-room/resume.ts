import {
	type ChatMessage,
	MAX_REPLAY,
	MAX_REPLAY_BYTES,
	messagesFrame,
	type ServerMessage,
	utf8Bytes,
} from "../protocol/room-protocol";
import type { MessageStore } from "./message-store";

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

/**
 * Whether a replay is small enough to send. A hundred messages of 16 KiB would be 1.6 MB for one
 * `hello`, which any client could ask for again and again; past the byte cap the client is told
 * to page over HTTP instead, which is cached and paged.
 */
export function replayFits(messages: ChatMessage[], maxBytes = MAX_REPLAY_BYTES): boolean {
	let bytes = 0;
	for (const message of messages) {
		// Text dominates a message's size; the rest is a few hundred bytes at most.
		bytes += utf8Bytes(message.text) + 256;
		if (bytes > maxBytes) return false;
	}
	return true;
}

/** What a `hello {since}` is answered with after `welcome`: the replay, a `reset`, or nothing. */
export function resumeFrames(store: MessageStore, since: number | undefined): ServerMessage[] {
	const oldestSeq = store.oldestSeq();
	const latestSeq = store.latestSeq;
	const plan = planResume(since, oldestSeq, latestSeq);
	if (plan.kind === "reset") return [{ type: "reset", reason: plan.reason, oldestSeq, latestSeq }];
	if (plan.kind === "live") return [];
	const missed = store.after(plan.after, MAX_REPLAY);
	if (!replayFits(missed)) return [{ type: "reset", reason: "gap_too_large", oldestSeq, latestSeq }];
	return missed.length > 0 ? [messagesFrame(missed)] : [];
}
