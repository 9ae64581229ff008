import { QueryClient } from "@tanstack/solid-query";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EventsPage } from "../../../api/protocol/http-api";
import { applyChange, type ChangeEvent, previewAfter, replyExcerpt } from "../../../api/protocol/message-events";
import type { ChatMessage, RoomEvent } from "../../../api/protocol/room-protocol";
import { LiveMerge } from "./live-merge";
import { cursorOf, flattenMessages, type HistoryData } from "./message-cache";
import { testMessage, testPage } from "./message-fixtures";
import { roomHistoryKey } from "./message-queries";

const USERS = [
	{ id: "a", name: "Ada" },
	{ id: "b", name: "Bo" },
	{ id: "c", name: "Cy" },
];
const EMOJI = ["👍", "🎉", "😂"];

type Op =
	| { t: "send"; by: number; replyTo: number | null }
	| { t: "edit"; target: number; by: number }
	| { t: "delete"; target: number; by: number }
	| { t: "react"; target: number; by: number; emoji: number; on: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ t: fc.constant("send" as const), by: fc.nat(2), replyTo: fc.option(fc.nat(30), { nil: null }) }),
	fc.record({ t: fc.constant("edit" as const), target: fc.nat(30), by: fc.nat(2) }),
	fc.record({ t: fc.constant("delete" as const), target: fc.nat(30), by: fc.nat(2) }),
	fc.record({
		t: fc.constant("react" as const),
		target: fc.nat(30),
		by: fc.nat(2),
		emoji: fc.nat(2),
		on: fc.boolean(),
	}),
);

/** Folds a log prefix the way the room stores it: messages as created, changes applied, replies following their parent. */
function foldLog(log: readonly RoomEvent[], upTo = Number.POSITIVE_INFINITY): ChatMessage[] {
	const byId = new Map<string, ChatMessage>();
	for (const event of log) {
		if (event.seq > upTo) break;
		if (event.kind === "create") {
			byId.set(event.message.id, event.message);
			continue;
		}
		const message = byId.get(event.messageId);
		if (!message) continue;
		const folded = applyChange(message, event);
		byId.set(folded.id, folded);
		if (event.kind === "edit" || event.kind === "delete") {
			for (const [id, m] of byId) {
				if (m.replyTo?.id === folded.id) byId.set(id, { ...m, replyTo: previewAfter(m.replyTo, folded) });
			}
		}
	}
	return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** The room's log for a run of operations, under the room's rules (what the room refuses takes no seq). */
function buildLog(ops: readonly Op[]): RoomEvent[] {
	const log: RoomEvent[] = [];
	let n = 0;
	for (const op of ops) {
		const seq = log.length + 1;
		const current = foldLog(log);
		const user = USERS[op.by] ?? USERS[0];
		if (!user) continue;
		if (op.t === "send") {
			const parent = op.replyTo === null ? undefined : current[op.replyTo % Math.max(1, current.length)];
			n++;
			const message = testMessage(seq, {
				n,
				id: `m${seq}`,
				author: { ...user, image: null, guest: false },
				text: `text ${seq}`,
				replyTo: parent
					? {
							id: parent.id,
							seq: parent.seq,
							authorName: parent.author.name,
							excerpt: parent.deleted ? "" : replyExcerpt(parent.text),
							deleted: parent.deleted !== null,
						}
					: null,
			});
			log.push({ kind: "create", seq, message });
			continue;
		}
		const target = current[op.target % Math.max(1, current.length)];
		if (!target || target.deleted) continue;
		const base = { seq, messageId: target.id, messageSeq: target.seq, at: seq };
		let change: ChangeEvent | null = null;
		if (op.t === "edit" && target.author.id === user.id)
			change = { ...base, kind: "edit", text: `edit ${seq}`, by: user, mentions: [], here: false, notify: [] };
		if (op.t === "delete" && target.author.id === user.id)
			change = { ...base, kind: "delete", by: user, moderator: false };
		if (op.t === "react") {
			const emoji = EMOJI[op.emoji] ?? "👍";
			const mine = target.reactions.some((r) => r.emoji === emoji && r.users.some((u) => u.id === user.id));
			if (mine !== op.on) change = { ...base, kind: "react", emoji, user, on: op.on };
		}
		if (change) log.push(change);
	}
	return log;
}

/** What `/events?after=` answers: changes as they were, new messages as they are now. */
function eventsAfter(log: readonly RoomEvent[], after: number): EventsPage {
	const now = new Map(foldLog(log).map((m) => [m.id, m]));
	const events = log
		.filter((e) => e.seq > after)
		.map((e) => (e.kind === "create" ? { ...e, message: now.get(e.message.id) ?? e.message } : e));
	return { kind: "events", events, upTo: log.length, more: false };
}

describe("LiveMerge against the room's fold (property)", () => {
	it("ends in the state the room folded, whatever the order, duplication or loss of events", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(opArb, { minLength: 1, maxLength: 40 }),
				fc.nat(),
				fc.array(fc.tuple(fc.nat(), fc.constantFrom("drop", "once", "twice", "fresh")), { maxLength: 80 }),
				fc.integer({ min: 1, max: 5 }),
				async (ops, snapshotAt, fates, batch) => {
					const log = buildLog(ops);
					if (log.length === 0) return;
					const k = snapshotAt % (log.length + 1);
					const client = new QueryClient();
					client.setQueryData<HistoryData>(roomHistoryKey("r"), {
						pages: [testPage(foldLog(log, k), k)],
						pageParams: [undefined],
					});
					const final = foldLog(log);
					const finalById = new Map(final.map((m) => [m.id, m]));
					// Each later event is dropped, sent once, sent twice, or sent as a fresher copy
					// (a create carrying the message as it is now, as a replay does), in a shuffled order.
					const deliveries: RoomEvent[] = [];
					log
						.filter((e) => e.seq > k)
						.forEach((event, i) => {
							const fate = fates[i]?.[1] ?? "once";
							const fresher =
								event.kind === "create"
									? { ...event, message: finalById.get(event.message.id) ?? event.message }
									: event;
							if (fate === "once") deliveries.push(event);
							if (fate === "twice") deliveries.push(event, event);
							if (fate === "fresh") deliveries.push(fresher);
						});
					// The newest event always arrives: something must tell the client it is behind.
					const last = log.at(-1);
					if (last && last.seq > k) deliveries.push(last);
					const order = deliveries.map((event, i) => ({ event, key: fates[i]?.[0] ?? i }));
					order.sort((a, b) => a.key - b.key);
					const live = new LiveMerge(client, "r", async (_room, after) => eventsAfter(log, after));
					for (let i = 0; i < order.length; i += batch) live.push(order.slice(i, i + batch).map((o) => o.event));
					const cache = () => client.getQueryData<HistoryData>(roomHistoryKey("r"));
					await caughtUp(() => cursorOf(cache() as HistoryData) === log.length);
					expect(flattenMessages(cache())).toEqual(final);
					live.dispose();
				},
			),
			{ numRuns: 300 },
		);
	});
});

/** Waits for the repairs the merge started (promises, no timers) to settle. */
async function caughtUp(done: () => boolean): Promise<void> {
	for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 0));
	if (!done()) throw new Error("the merge never caught up with the log");
}
