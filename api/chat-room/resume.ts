import {
	eventsFrame,
	MAX_REPLAY,
	MAX_REPLAY_BYTES,
	type RoomEvent,
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
	// Counted in seqs: a replay carries changes as well as new messages.
	if (latestSeq - since > MAX_REPLAY) return { kind: "reset", reason: "gap_too_large" };
	return { kind: "replay", after: since };
}

/**
 * Whether a replay is small enough to send. A hundred messages of 16 KiB would be 1.6 MB for one
 * `hello`, which any client could ask for again and again; past the byte cap the client is told
 * to page over HTTP instead, which is cached and paged.
 */
export function replayFits(events: RoomEvent[], maxBytes = MAX_REPLAY_BYTES): boolean {
	let bytes = 0;
	for (const event of events) {
		// Text dominates an event's size; the rest is a few hundred bytes at most (reactions list
		// their users, so a message's reactions are counted by their JSON).
		const text = event.kind === "create" ? event.message.text : event.kind === "edit" ? event.text : "";
		const extra = event.kind === "create" ? JSON.stringify(event.message.reactions).length : 0;
		bytes += utf8Bytes(text) + extra + 256;
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
	const { events } = store.eventsAfter(plan.after, MAX_REPLAY);
	if (!replayFits(events)) return [{ type: "reset", reason: "gap_too_large", oldestSeq, latestSeq }];
	return events.length > 0 ? [eventsFrame(events)] : [];
}
