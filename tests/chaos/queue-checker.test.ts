import { describe, expect, it } from "vitest";
import { type ClientRecord, checkQueue, type Seen } from "./queue-checker";

const history: Seen[] = [
	{ seq: 1, n: 1, clientId: "a1" },
	{ seq: 2, n: 2, clientId: "b1" },
	{ seq: 3, n: 3, clientId: "a2" },
];
const client = (name: string, over: Partial<ClientRecord> = {}): ClientRecord => ({
	name,
	sent: [],
	acks: [],
	finalView: history,
	...over,
});
const healthy = () => [
	client("a", {
		sent: ["a1", "a2", "a3"],
		acks: [
			{ clientId: "a1", seq: 1 },
			{ clientId: "a2", seq: 3 },
		],
	}),
	client("b", { sent: ["b1"], acks: [{ clientId: "b1", seq: 2 }] }),
];

describe("the queue checker", () => {
	it("passes a run where every acked message is stored once, in a gap-free seq order", () => {
		const report = checkQueue(healthy(), history);
		expect(report).toMatchObject({ ok: true, sent: 4, acked: 3, stored: 3, unackedStored: 0 });
	});

	it("allows a sent message whose ack was lost to be stored once", () => {
		const [a, b] = healthy();
		if (!a || !b) throw new Error("fixture");
		a.acks = a.acks.filter((x) => x.clientId !== "a2");
		expect(checkQueue([a, b], history)).toMatchObject({ ok: true, unackedStored: 1 });
	});

	it("finds an acked message that is missing from the history", () => {
		const short = history.filter((m) => m.clientId !== "b1").map((m, i) => ({ ...m, seq: i + 1, n: i + 1 }));
		const clients = healthy().map((c) => ({ ...c, finalView: short }));
		const report = checkQueue(clients, short);
		expect(report.ok).toBe(false);
		expect(report.lost).toEqual(["a2 (acked as 3, stored at 2)", "b1 (acked as 2, stored at none)"]);
	});

	it("finds a message stored twice", () => {
		const twice = [...history, { seq: 4, n: 4, clientId: "a1" }];
		const report = checkQueue(
			healthy().map((c) => ({ ...c, finalView: twice })),
			twice,
		);
		expect(report.duplicated).toEqual(["a1 at 1,4"]);
		expect(report.ok).toBe(false);
	});

	it("finds a gap or a repeat in the ordinals, a phantom message, conflicting acks and a diverged client", () => {
		const gappy = [history[0], { seq: 3, n: 3, clientId: "b1" }, { seq: 3, n: 3, clientId: "zz" }] as Seen[];
		const [a, b] = healthy();
		if (!a || !b) throw new Error("fixture");
		a.acks.push({ clientId: "a1", seq: 9 });
		const report = checkQueue([a, { ...b, finalView: history }], gappy);
		expect(report.seqBreaks).toEqual(["n 1 -> 3 (seq 1 -> 3)", "n 3 -> 3 (seq 3 -> 3)"]);
		expect(report.phantom).toEqual(["zz"]);
		expect(report.conflictingAcks).toEqual(["a1: 1 and 9"]);
		expect(report.divergentViews).toEqual(["a", "b"]);
		expect(report.ok).toBe(false);
	});

	it("allows seqs to skip (changes take them) but not ordinals, and compares folded state", () => {
		const withChanges: Seen[] = [
			{ seq: 1, n: 1, clientId: "a1", state: "edited" },
			{ seq: 4, n: 2, clientId: "b1" },
			{ seq: 5, n: 3, clientId: "a2" },
		];
		const clients = healthy().map((c) => ({ ...c, acks: [], finalView: withChanges }));
		expect(checkQueue(clients, withChanges)).toMatchObject({ ok: true, seqBreaks: [] });
		const stale = clients.map((c, i) =>
			i === 0 ? { ...c, finalView: withChanges.map((m) => ({ ...m, state: "" })) } : c,
		);
		expect(checkQueue(stale, withChanges).divergentViews).toEqual(["a"]);
	});
});
